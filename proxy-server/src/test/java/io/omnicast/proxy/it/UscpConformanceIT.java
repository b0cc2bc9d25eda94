package io.omnicast.proxy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.uscp.v1.ERROR;
import io.omnicast.uscp.v1.ErrorCode;
import io.omnicast.uscp.v1.Login;
import io.omnicast.uscp.v1.OK;
import io.omnicast.uscp.v1.ReStreamingConnection;
import io.omnicast.uscp.v1.Role;
import io.omnicast.uscp.v1.Subscription;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each request gets its documented reply; every kind of bad input gets its documented ERROR while another
 * session, open the whole time, keeps being served.
 */
class UscpConformanceIT {
    private static final String NS = "urn:omnicast:uscp:1";
    @TempDir
    static Path dir;
    private static ProxyFixture fixture;
    private static UscpTestClient bystander;

    @BeforeAll
    static void start() throws Exception {
        fixture = new ProxyFixture(dir, "hop-count");
        fixture.origin("origin-c", "demo", 50);
        fixture.account("steady", "viewer");
        bystander = fixture.client();
        bystander.send(UscpTestClient.login("steady", ProxyFixture.PASSWORD, Role.VIEWER, "demo", null, 0, 0));
        bystander.next(ReStreamingConnection.class);
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    /** The bystander session still answers. */
    private static void bystanderStillServed() throws Exception {
        bystander.send(UscpTestClient.nodeInformation(null));
        bystander.next(OK.class);
    }

    private static ERROR expectError(UscpTestClient client, ErrorCode code) throws Exception {
        ERROR error = client.next(ERROR.class);
        assertEquals(code, error.getCode(), error.getMessage());
        bystanderStillServed();
        return error;
    }

    @Test
    void subscriptionWithoutChannelCreatesAnAccountThatCanLogIn() throws Exception {
        UscpTestClient c = fixture.client();
        Subscription s = UscpTestClient.subscription("newbie", "a-long-passphrase", null, null, 0, 0);
        c.send(s);
        OK ok = c.next(OK.class);
        assertEquals(s.getRequestId(), ok.getRequestId());
        assertNull(ok.getSession(), "no Session: the connection is still logged out");
        c.send(UscpTestClient.nodeInformation(3));
        expectError(c, ErrorCode.NOT_AUTHENTICATED);
        Login login = UscpTestClient.login("newbie", "a-long-passphrase", Role.VIEWER, "demo", null, 0, 0);
        c.send(login);
        ReStreamingConnection joined = c.next(ReStreamingConnection.class);
        assertEquals(login.getRequestId(), joined.getRequestId());
        assertEquals(1, joined.getHopCount());
        assertNotNull(joined.getSession().getProxyKey());
        assertEquals(500, joined.getSession().getBeatIntervalMs());
        c.send(UscpTestClient.nodeInformation(3));
        c.next(OK.class);
        c.send(UscpTestClient.login("newbie", "a-long-passphrase", Role.VIEWER, "demo", null, 0, 0));
        expectError(c, ErrorCode.ALREADY_AUTHENTICATED);
        c.send(UscpTestClient.logout());
        c.next(OK.class);
        assertTrue(c.awaitClosed());
    }

    @Test
    void anOriginsChannelDescriptionReachesJoiningViewersAndANewOneReplacesIt() throws Exception {
        fixture.account("origin-d", "origin");
        UscpTestClient origin = fixture.client();
        Login login = UscpTestClient.login("origin-d", ProxyFixture.PASSWORD, Role.ORIGIN, "described", "127.0.0.1",
                8554, 4);
        login.getDescription().add(description("described", sdp("first")));
        login.getDescription().add(description("elsewhere", sdp("not-served-here")));
        origin.send(login);
        assertNotNull(origin.next(OK.class).getSession());
        origin.startBeating(ProxyFixture.BEAT.dividedBy(2));

        fixture.account("describe-1", "viewer");
        UscpTestClient first = fixture.client();
        first.send(UscpTestClient.login("describe-1", ProxyFixture.PASSWORD, Role.VIEWER, "described", null, 0, 0));
        ReStreamingConnection joined = first.next(ReStreamingConnection.class);
        assertEquals(sdp("first").replace("\r\n", "\n"), joined.getDescription().replace("\r\n", "\n"),
                "the origin's description, not the one for a channel it does not serve");

        // the publisher announced again: the origin's next NodeInformation carries the new description
        io.omnicast.uscp.v1.NodeInformation update = UscpTestClient.nodeInformation(4);
        update.getDescription().add(description("described", sdp("second")));
        origin.send(update);
        origin.next(OK.class);
        fixture.account("describe-2", "viewer");
        UscpTestClient second = fixture.client();
        second.send(UscpTestClient.login("describe-2", ProxyFixture.PASSWORD, Role.VIEWER, "described", null, 0,
                0));
        assertTrue(second.next(ReStreamingConnection.class).getDescription().contains("s=second"));

        // only an origin describes a channel
        io.omnicast.uscp.v1.NodeInformation bogus = UscpTestClient.nodeInformation(null);
        bogus.getDescription().add(description("described", sdp("from-a-viewer")));
        second.send(bogus);
        expectError(second, ErrorCode.INVALID_MESSAGE);
        fixture.account("describe-3", "viewer");
        UscpTestClient third = fixture.client();
        third.send(UscpTestClient.login("describe-3", ProxyFixture.PASSWORD, Role.VIEWER, "described", null, 0, 0));
        assertTrue(third.next(ReStreamingConnection.class).getDescription().contains("s=second"));

        // a channel whose origin sent none: no description, the viewer asks its parent
        assertNull(bystanderPlacementDescription());
    }

    private static String sdp(String name) {
        return "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=" + name + "\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\n"
                + "a=rtpmap:96 H264/90000\r\na=control:trackID=0\r\n";
    }

    private static io.omnicast.uscp.v1.ChannelDescription description(String channel, String sdp) {
        io.omnicast.uscp.v1.ChannelDescription d = new io.omnicast.uscp.v1.ChannelDescription();
        d.setChannel(channel);
        d.setValue(sdp);
        return d;
    }

    /** The description in a fresh viewer's placement on "demo", whose origin sent none. */
    private static String bystanderPlacementDescription() throws Exception {
        fixture.account("describe-4", "viewer");
        UscpTestClient c = fixture.client();
        c.send(UscpTestClient.login("describe-4", ProxyFixture.PASSWORD, Role.VIEWER, "demo", null, 0, 0));
        return c.next(ReStreamingConnection.class).getDescription();
    }

    @Test
    void subscriptionWithChannelJoinsAndDuplicatesOrWeakPasswordsAreRefused() throws Exception {
        UscpTestClient c = fixture.client();
        c.send(UscpTestClient.subscription("joiner", "another-passphrase", "demo", null, 0, 0));
        assertNotNull(c.next(ReStreamingConnection.class).getSession());
        UscpTestClient d = fixture.client();
        d.send(UscpTestClient.subscription("joiner", "another-passphrase", null, null, 0, 0));
        expectError(d, ErrorCode.ACCOUNT_EXISTS);
        d.send(UscpTestClient.subscription("weakling", "short", null, null, 0, 0));
        ERROR weak = expectError(d, ErrorCode.WEAK_PASSWORD);
        assertEquals("password must be at least 10 characters long (was 5)", weak.getMessage());
    }

    @Test
    void wrongPasswordUnknownChannelRoleAndVersionErrors() throws Exception {
        fixture.account("viewer1", "viewer");
        UscpTestClient c = fixture.client();
        c.send(UscpTestClient.login("viewer1", "not-the-password", Role.VIEWER, "demo", null, 0, 0));
        assertEquals("user name or password is wrong", expectError(c, ErrorCode.AUTH_FAILED).getMessage());
        c.send(UscpTestClient.login("viewer1", ProxyFixture.PASSWORD, Role.VIEWER, "nowhere", null, 0, 0));
        expectError(c, ErrorCode.UNKNOWN_CHANNEL);
        c.send(UscpTestClient.login("viewer1", ProxyFixture.PASSWORD, Role.ORIGIN, "demo", "127.0.0.1", 8554, 5));
        expectError(c, ErrorCode.ROLE_NOT_PERMITTED);
        Login old = UscpTestClient.login("viewer1", ProxyFixture.PASSWORD, Role.VIEWER, "demo", null, 0, 0);
        old.setClientVersion("0.0.9");
        c.send(old);
        expectError(c, ErrorCode.UNSUPPORTED_VERSION);
    }

    @Test
    void requestsBeforeLoginAreNotAuthenticated() throws Exception {
        UscpTestClient c = fixture.client();
        c.send(UscpTestClient.nodeInformation(2));
        expectError(c, ErrorCode.NOT_AUTHENTICATED);
        c.send(UscpTestClient.reConfiguration("n-1"));
        expectError(c, ErrorCode.NOT_AUTHENTICATED);
        c.send(UscpTestClient.logout());
        expectError(c, ErrorCode.NOT_AUTHENTICATED);
    }

    @Test
    void malformedInvalidForeignAndXxeDocumentsGetErrorsAndTheSessionGoesOn() throws Exception {
        UscpTestClient c = fixture.client();
        c.sendXml("<Logout xmlns='" + NS + "' requestId='x1'></Login>");
        expectError(c, ErrorCode.MALFORMED_XML);
        c.sendXml("<?xml version='1.0'?><!DOCTYPE r [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
                + "<Logout xmlns='" + NS + "' requestId='x2'>&x;</Logout>");
        ERROR xxe = expectError(c, ErrorCode.MALFORMED_XML);
        assertTrue(xxe.getMessage().contains("DOCTYPE"), xxe.getMessage());
        c.sendXml("<Logout xmlns='urn:someone:else' requestId='x3'/>");
        expectError(c, ErrorCode.UNKNOWN_MESSAGE);
        c.sendXml("<NodeInformation xmlns='" + NS + "' requestId='x4'><Capacity maxChildren='5000' "
                + "uplinkKbps='1'/></NodeInformation>");
        ERROR invalid = expectError(c, ErrorCode.INVALID_MESSAGE);
        assertEquals("x4", invalid.getRequestId());
        c.sendXml("<OK xmlns='" + NS + "' requestId='x5'/>");
        expectError(c, ErrorCode.UNKNOWN_MESSAGE);
        // and it is still a working session
        fixture.account("after-bad", "viewer");
        c.send(UscpTestClient.login("after-bad", ProxyFixture.PASSWORD, Role.VIEWER, "demo", null, 0, 0));
        c.next(ReStreamingConnection.class);
    }

    @Test
    void oversizedFrameGetsAFatalErrorAndTheConnectionCloses() throws Exception {
        UscpTestClient c = fixture.client();
        c.sendRaw(ByteBuffer.allocate(4).putInt(70_000).array());
        ERROR error = c.next(ERROR.class);
        assertEquals(ErrorCode.FRAME_TOO_LARGE, error.getCode());
        assertEquals(Boolean.TRUE, error.isFatal());
        assertNull(error.getRequestId());
        assertTrue(c.awaitClosed());
        bystanderStillServed();
    }

    @Test
    void emptyFrameGetsAFatalErrorAndTheConnectionCloses() throws Exception {
        UscpTestClient c = fixture.client();
        c.sendRaw(new byte[] {0, 0, 0, 0});
        assertEquals(ErrorCode.EMPTY_FRAME, c.next(ERROR.class).getCode());
        assertTrue(c.awaitClosed());
        bystanderStillServed();
    }

    @Test
    void repeatedWrongPasswordsFromOneAddressAreRateLimited() throws Exception {
        fixture.account("target", "viewer");
        UscpTestClient c = new UscpTestClient(fixture.uscp(), "127.0.0.77");
        try {
            for (int i = 0; i < 5; i++) {
                c.send(UscpTestClient.login("target", "wrong-password-" + i, Role.VIEWER, "demo", null, 0, 0));
                assertEquals(ErrorCode.AUTH_FAILED, c.next(ERROR.class).getCode());
            }
            c.send(UscpTestClient.login("target", ProxyFixture.PASSWORD, Role.VIEWER, "demo", null, 0, 0));
            ERROR limited = expectError(c, ErrorCode.RATE_LIMITED);
            assertTrue(limited.getMessage().startsWith("too many failed logins from 127.0.0.77"),
                    limited.getMessage());
        } finally {
            c.close();
        }
    }

    @Test
    void metricsCountErrorsByCode() throws Exception {
        String metrics = fixture.get("/metrics");
        assertTrue(metrics.startsWith("200 "), metrics);
        assertTrue(metrics.contains("omnicast_proxy_sessions"), metrics);
        assertTrue(metrics.contains("omnicast_proxy_errors_total{code=\"NOT_AUTHENTICATED\"}"), metrics);
        assertTrue(metrics.contains("omnicast_proxy_reparent_latency_seconds_bucket"), metrics);
        String channels = fixture.get("/api/channels");
        assertTrue(channels.contains("\"name\":\"demo\""), channels);
        assertTrue(fixture.get("/").contains("<title>OmniCast proxy"));
        assertTrue(fixture.get("/api/nodes/nope").startsWith("404 "));
        assertTrue(fixture.get("/api/events?since=abc").startsWith("400 "));
    }
}

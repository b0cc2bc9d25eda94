package io.omnicast.server.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.server.channel.ReaderAdmission.Request;
import io.omnicast.uscp.ticket.Ticket;
import io.omnicast.uscp.ticket.TicketSigner;
import io.omnicast.uscp.ticket.TicketVerifier;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TicketAdmissionTest {
    private static final KeyPair PROXY_KEYS = keys();
    private static final KeyPair OTHER_KEYS = keys();
    private static final Instant LATER = Instant.now().plus(10, ChronoUnit.MINUTES);

    private static KeyPair keys() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private final TicketAdmission admission = new TicketAdmission(() -> new TicketVerifier(PROXY_KEYS.getPublic()),
            () -> "n-7");

    private static String ticket(KeyPair keys, String child, List<String> parents, String channel, Instant expiry) {
        return new TicketSigner(keys.getPrivate()).sign(new Ticket(child, parents, channel, expiry));
    }

    private static Request request(String remote, String ticket) {
        return new Request("demo", remote, ticket == null ? Map.of() : Map.of("ticket", ticket), Map.of());
    }

    @Test
    void admitsLoopbackPlayersWithoutTicketFromOnly127001AndIpv6Loopback() {
        assertEquals(Optional.empty(), admission.refuse(request("/127.0.0.1:40000", null)));
        assertEquals(Optional.empty(), admission.refuse(request("/[0:0:0:0:0:0:0:1]:40000", null)));
        assertTrue(admission.refuse(request("/127.0.0.5:40000", null)).isPresent(),
                "other loopback addresses are peers of their own in the tests and must show a ticket");
        assertTrue(admission.refuse(request("/10.1.2.3:40000", null)).isPresent());
        assertTrue(admission.refuse(request(null, null)).isPresent());
    }

    @Test
    void admitsAChildWithATicketForThisNodeAsParentOrBackup() {
        assertEquals(Optional.empty(), admission.refuse(request("/127.0.0.5:40000",
                ticket(PROXY_KEYS, "n-9", List.of("n-7"), "demo", LATER))));
        assertEquals(Optional.empty(), admission.refuse(request("/127.0.0.5:40000",
                ticket(PROXY_KEYS, "n-9", List.of("n-3", "n-7"), "demo", LATER))), "a backup parent admits too");
    }

    @Test
    void takesTheTicketFromTheHeaderToo() {
        Request viaHeader = new Request("demo", "/127.0.0.5:1", Map.of(),
                Map.of("x-omnicast-ticket", ticket(PROXY_KEYS, "n-9", List.of("n-7"), "demo", LATER)));
        assertEquals(Optional.empty(), admission.refuse(viaHeader));
    }

    @Test
    void refusesForgedExpiredMisdirectedAndGarbageTickets() {
        String forged = ticket(OTHER_KEYS, "n-9", List.of("n-7"), "demo", LATER);
        assertRefused(forged, "BAD_SIGNATURE");
        assertRefused(ticket(PROXY_KEYS, "n-9", List.of("n-7"), "demo", Instant.now().minusSeconds(5)), "EXPIRED");
        assertRefused(ticket(PROXY_KEYS, "n-9", List.of("n-8"), "demo", LATER), "WRONG_PARENT");
        assertTrue(admission.refuse(request("/127.0.0.5:1",
                ticket(PROXY_KEYS, "n-9", List.of("n-7"), "other-channel", LATER))).isPresent());
        assertTrue(admission.refuse(request("/127.0.0.5:1", "not-a-ticket")).isPresent());
    }

    @Test
    void checksATicketEvenFrom127001WhenOneIsPresented() {
        // A child on 127.0.0.1 that presents a ticket is a child: a bad ticket is not waved through.
        assertTrue(admission.refuse(request("/127.0.0.1:1", ticket(OTHER_KEYS, "n-9", List.of("n-7"), "demo", LATER)))
                .isPresent());
    }

    @Test
    void refusesTicketsBeforeTheProxyGaveUsAKeyAndANodeId() {
        TicketAdmission notLoggedIn = new TicketAdmission(() -> null, () -> null);
        Optional<String> refused = notLoggedIn.refuse(request("/127.0.0.5:1",
                ticket(PROXY_KEYS, "n-9", List.of("n-7"), "demo", LATER)));
        assertTrue(refused.isPresent());
        assertTrue(refused.get().contains("not logged in"), refused.get());
        assertFalse(notLoggedIn.refuse(request("/127.0.0.1:1", null)).isPresent(), "local playback still works");
    }

    private void assertRefused(String ticket, String reason) {
        Optional<String> refused = admission.refuse(request("/127.0.0.5:1", ticket));
        assertTrue(refused.isPresent(), reason);
        assertTrue(refused.get().contains(reason), refused.get());
    }
}

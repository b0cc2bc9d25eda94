package io.omnicast.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
    @Test
    void defaultsComeFromTheDefaultsFile() {
        ServerConfig c = ServerConfig.defaults().build();
        assertEquals(8554, c.rtspPort());
        assertEquals(8000, c.udpRtpPort());
        assertEquals(Optional.empty(), c.streamKey());
        assertEquals(Duration.ofMillis(5000), c.publisherTimeout());
        assertEquals(Duration.ofSeconds(60), c.sessionTimeout());
        assertEquals(8192, c.bufferPackets());
    }

    @Test
    void aFileOverridesDefaultsAndGivesChannelKeys(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, "rtsp.port=9554\nstream.key=global\nchannel.news.key=n3ws\n");
        ServerConfig c = ServerConfig.fromFile(file).build();
        assertEquals(9554, c.rtspPort());
        assertEquals(Optional.of("n3ws"), c.publishKey("news"));
        assertEquals(Optional.of("global"), c.publishKey("sports"));
    }

    @Test
    void messagesNameFieldValueLimitAndUnit() {
        assertEquals("rtspPort must be between 0 and 65535 (was 70000)", message(ServerConfig.builder().rtspPort(70000)));
        assertEquals("udpRtpPort must be even, RTCP uses the next port (was 8001)",
                message(ServerConfig.builder().udpRtpPort(8001)));
        assertEquals("publisherTimeout must be between 100 and 600000 ms (was 50 ms)",
                message(ServerConfig.builder().publisherTimeout(Duration.ofMillis(50))));
        assertEquals("maxReadersPerChannel must be between 1 and 100000 readers (was 0)",
                message(ServerConfig.builder().maxReadersPerChannel(0)));
        assertEquals("bufferPackets must be a power of two (was 1000)", message(ServerConfig.builder().bufferPackets(1000)));
        assertEquals("rtspPort must differ from the UDP ports 8000-8001 (was 8001)",
                message(ServerConfig.builder().rtspPort(8001)));
    }

    @Test
    void unknownOrNonNumericKeysFail() {
        Properties p = new Properties();
        p.setProperty("rtsp.prot", "1");
        assertEquals("unknown configuration key 'rtsp.prot'", assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.fromProperties(p, ServerConfig.builder())).getMessage());
        Properties q = new Properties();
        q.setProperty("rtsp.port", "many");
        assertEquals("rtsp.port must be a whole number (was 'many')", assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.fromProperties(q, ServerConfig.builder())).getMessage());
    }

    private static String message(ServerConfig.Builder b) {
        return assertThrows(IllegalArgumentException.class, b::build).getMessage();
    }

    @Test
    void aProxyNeedsOriginCredentialsAndAHostPort() {
        IllegalArgumentException noPassword = assertThrows(
                IllegalArgumentException.class, () -> ServerConfig.builder().proxy("127.0.0.1:7070").build());
        assertEquals("originPassword must be set when proxy is set (was empty)", noPassword.getMessage());
        IllegalArgumentException noPort = assertThrows(
                IllegalArgumentException.class, () -> ServerConfig.builder().proxy("proxy.example"));
        assertEquals("proxy.address must be HOST:PORT with a port between 1 and 65535 (was 'proxy.example')",
                noPort.getMessage());
        ServerConfig c = ServerConfig.builder().bindAddress("127.0.0.3").proxy("proxy.example:7070")
                .originPassword("pw").build();
        assertEquals(7070, c.proxy().orElseThrow().getPort());
        assertEquals("127.0.0.3", c.advertisedHost(), "defaults to the bind address");
        assertTrue(ServerConfig.defaults().build().proxy().isEmpty(), "no proxy by default: readers stay open");
    }
}

package io.omnicast.proxy.directory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void accountsEventsKeysAndIdBlocksSurviveReopening() throws Exception {
        Path db = dir.resolve("proxy");
        Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (NodeDirectory directory = NodeDirectory.open(db)) {
            assertTrue(directory.createAccount(new Account("alice", "pbkdf2-sha256$1$a$b", "viewer", created)));
            assertFalse(directory.createAccount(new Account("alice", "x", "viewer", created)));
            directory.storeSigningKey("Ed25519", new byte[] {1, 2}, new byte[] {3, 4});
            assertEquals(0, directory.reserveNodeIds(1000));
            assertEquals(1000, directory.reserveNodeIds(1000));
            try (EventRecorder recorder = new EventRecorder(directory)) {
                recorder.record(DirectoryEvent.of("join", "demo", "n-1", "origin-1", 1, 120, "join"));
                recorder.record(DirectoryEvent.of("leave", "demo", "n-1", null, -1, -1, "logout"));
                assertTrue(recorder.flush(Duration.ofSeconds(10)));
            }
        }
        try (NodeDirectory directory = NodeDirectory.open(db)) {
            Account alice = directory.findAccount("alice").orElseThrow();
            assertEquals("viewer", alice.role());
            assertEquals(created, alice.createdAt());
            assertArrayEquals(new byte[] {3, 4}, directory.loadSigningKey().orElseThrow()[1]);
            assertEquals(2000, directory.reserveNodeIds(10));
            List<DirectoryEvent> events = directory.eventsSince(0, 10);
            assertEquals(List.of("join", "leave"), events.stream().map(DirectoryEvent::kind).toList());
            assertEquals(120, events.get(0).durationMicros());
            assertEquals(1, directory.eventsSince(events.get(0).id(), 10).size());
            assertEquals("leave", directory.eventsOfNode("n-1", 1).get(0).kind());
            assertTrue(directory.removeAccount("alice"));
            assertTrue(directory.listAccounts().isEmpty());
        }
    }
}

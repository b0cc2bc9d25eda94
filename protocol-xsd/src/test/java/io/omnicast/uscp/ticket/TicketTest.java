package io.omnicast.uscp.ticket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TicketTest {
    private static final Pattern SCHEMA_TICKET = Pattern.compile("[A-Za-z0-9_\\-.]{16,1024}");
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    private final KeyPair keys = generate();
    private final TicketSigner signer = new TicketSigner(keys.getPrivate());
    private final TicketVerifier verifier = TicketVerifier.fromX509(keys.getPublic().getEncoded());
    private final Ticket ticket = new Ticket("n-18", "n-17", "demo", NOW.plusSeconds(300));

    private static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void signedTicketVerifiesAndMatchesTheSchemaPattern() throws TicketException {
        String token = signer.sign(ticket);
        assertTrue(SCHEMA_TICKET.matcher(token).matches(), token);
        assertEquals(ticket, verifier.verify(token, "n-17", "demo", NOW));
    }

    @Test
    void alteredPayloadFailsTheSignature() {
        String token = signer.sign(ticket);
        String forged = signer.sign(new Ticket("n-99", "n-17", "demo", NOW.plusSeconds(300)));
        String spliced = forged.substring(0, forged.indexOf('.')) + token.substring(token.indexOf('.'));
        assertTrue(SCHEMA_TICKET.matcher(spliced).matches());
        TicketException e = assertThrows(TicketException.class, () -> verifier.verify(spliced, NOW));
        assertEquals(TicketException.Reason.BAD_SIGNATURE, e.reason());
    }

    @Test
    void aRememberedTicketStillExpiresAndForgeriesBesideItStillFail() throws TicketException {
        String token = signer.sign(ticket);
        assertEquals(ticket, verifier.verify(token, "n-17", "demo", NOW)); // DESCRIBE
        assertEquals(ticket, verifier.verify(token, "n-17", "demo", NOW.plusSeconds(1))); // SETUP, remembered
        assertEquals(TicketException.Reason.EXPIRED,
                assertThrows(TicketException.class, () -> verifier.verify(token, NOW.plusSeconds(301))).reason());
        String forged = signer.sign(new Ticket("n-99", "n-17", "demo", NOW.plusSeconds(300)));
        String spliced = forged.substring(0, forged.indexOf('.')) + token.substring(token.indexOf('.'));
        assertEquals(TicketException.Reason.BAD_SIGNATURE,
                assertThrows(TicketException.class, () -> verifier.verify(spliced, NOW)).reason());
        for (int i = 0; i < 2 * TicketVerifier.REMEMBERED; i++) { // the memory stays bounded and keeps working
            Ticket other = new Ticket("n-" + (100 + i), "n-17", "demo", NOW.plusSeconds(300));
            assertEquals(other, verifier.verify(signer.sign(other), NOW));
        }
        assertEquals(ticket, verifier.verify(token, "n-17", "demo", NOW));
    }

    @Test
    void anotherKeysTicketFails() {
        String token = new TicketSigner(generate().getPrivate()).sign(ticket);
        assertEquals(TicketException.Reason.BAD_SIGNATURE,
                assertThrows(TicketException.class, () -> verifier.verify(token, NOW)).reason());
    }

    @Test
    void expiredTicketFails() {
        String token = signer.sign(ticket);
        assertEquals(TicketException.Reason.EXPIRED,
                assertThrows(TicketException.class, () -> verifier.verify(token, NOW.plusSeconds(301))).reason());
    }

    @Test
    void wrongParentOrChannelFails() {
        String token = signer.sign(ticket);
        assertEquals(TicketException.Reason.WRONG_PARENT,
                assertThrows(TicketException.class, () -> verifier.verify(token, "n-1", "demo", NOW)).reason());
        assertEquals(TicketException.Reason.WRONG_CHANNEL,
                assertThrows(TicketException.class, () -> verifier.verify(token, "n-17", "other", NOW)).reason());
    }

    @Test
    void oneTicketAdmitsTheChildAtItsParentAndBackupsOnly() throws TicketException {
        String token = signer.sign(new Ticket("n-18", List.of("n-17", "origin-1", "n-3"), "demo", NOW.plusSeconds(60)));
        assertTrue(SCHEMA_TICKET.matcher(token).matches(), token);
        for (String parent : List.of("n-17", "origin-1", "n-3")) {
            assertEquals("n-18", verifier.verify(token, parent, "demo", NOW).childId());
        }
        assertEquals(TicketException.Reason.WRONG_PARENT,
                assertThrows(TicketException.class, () -> verifier.verify(token, "n-4", "demo", NOW)).reason());
    }

    @Test
    void aBatchIsSignedOnceAndEveryTicketVerifiesAlone() throws TicketException {
        for (int size : new int[] {1, 2, 3, 8, 37, 256}) {
            List<Ticket> batch = new java.util.ArrayList<>();
            for (int i = 0; i < size; i++) {
                batch.add(new Ticket("c-" + i, List.of("p-" + (i % 5), "origin-1"), "demo", NOW.plusSeconds(60)));
            }
            List<String> tokens = signer.signAll(batch);
            String signature = tokens.get(0).substring(tokens.get(0).lastIndexOf('.'));
            for (int i = 0; i < size; i++) {
                String token = tokens.get(i);
                assertTrue(SCHEMA_TICKET.matcher(token).matches(), token);
                assertEquals(signature, token.substring(token.lastIndexOf('.')), "one signature per batch");
                assertEquals("c-" + i, verifier.verify(token, "p-" + (i % 5), "demo", NOW).childId());
            }
            if (size > 1) {
                // a proof from another position does not lead to the signed root
                String a = tokens.get(0);
                String b = tokens.get(1);
                String swapped = a.substring(0, a.indexOf('.')) + b.substring(b.indexOf('.'));
                assertEquals(TicketException.Reason.BAD_SIGNATURE,
                        assertThrows(TicketException.class, () -> verifier.verify(swapped, NOW)).reason());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> signer.signAll(List.of()));
    }

    @Test
    void atMostThreeParents() {
        assertThrows(IllegalArgumentException.class,
                () -> new Ticket("c", List.of("a", "b", "d", "e"), "demo", NOW));
    }

    @Test
    void garbageIsMalformed() {
        for (String bad : new String[] {"", "abc", "a.b", "a.b.c", "!!!!.????.x", "bm90LWEtdGlja2V0.AAAA.c2ln",
            "bm90LWEtdGlja2V0.c2ln", null}) {
            assertEquals(TicketException.Reason.MALFORMED,
                    assertThrows(TicketException.class, () -> verifier.verify(bad, NOW)).reason(), bad);
        }
    }

    @Test
    void fieldsOutsideTheIdPatternAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Ticket("a|b", "p", "demo", NOW));
        assertTrue(e.getMessage().startsWith("childId must match"), e.getMessage());
    }
}

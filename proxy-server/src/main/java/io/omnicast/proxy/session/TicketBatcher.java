package io.omnicast.proxy.session;

import io.omnicast.uscp.ticket.Ticket;
import io.omnicast.uscp.ticket.TicketFormat;
import io.omnicast.uscp.ticket.TicketSigner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs tickets on one thread, as many per Ed25519 signature as have queued up (group commit for signatures):
 * an idle proxy signs each ticket at once, a busy one signs everything that arrived during the previous
 * signature together. The tickets of one departure are queued together, so its orphans share one signature.
 * The JDK's Ed25519 costs about 0.65 ms per signature here; hashing a Merkle path costs microseconds.
 */
public final class TicketBatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TicketBatcher.class);

    /** Tickets queued together (one join, or all orphans of one departure): always signed in one batch. */
    private record Group(List<Ticket> tickets, List<CompletableFuture<String>> tokens) {
    }

    private final TicketSigner signer;
    private final LinkedBlockingQueue<Group> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    public TicketBatcher(TicketSigner signer) {
        this.signer = signer;
        this.thread = new Thread(this::run, "ticket-signer");
        thread.setDaemon(true);
        thread.start();
    }

    public CompletableFuture<String> sign(Ticket ticket) {
        return signAll(List.of(ticket)).get(0);
    }

    /** Queues the tickets as one group, so they share a signature (up to {@link TicketFormat#MAX_BATCH}). */
    public List<CompletableFuture<String>> signAll(List<Ticket> tickets) {
        List<CompletableFuture<String>> tokens = new ArrayList<>(tickets.size());
        for (int i = 0; i < tickets.size(); i++) {
            tokens.add(new CompletableFuture<>());
        }
        queue.add(new Group(List.copyOf(tickets), tokens));
        return tokens;
    }

    private void run() {
        List<Group> groups = new ArrayList<>();
        List<Ticket> tickets = new ArrayList<>(TicketFormat.MAX_BATCH);
        List<CompletableFuture<String>> tokens = new ArrayList<>(TicketFormat.MAX_BATCH);
        while (running) {
            try {
                groups.add(queue.take());
                int queued = groups.get(0).tickets().size();
                // take more groups while the whole of the next one still fits the batch
                while (queue.peek() != null && queued + queue.peek().tickets().size() <= TicketFormat.MAX_BATCH) {
                    Group next = queue.poll();
                    groups.add(next);
                    queued += next.tickets().size();
                }
                for (Group g : groups) {
                    tickets.addAll(g.tickets());
                    tokens.addAll(g.tokens());
                }
                for (int from = 0; from < tickets.size(); from += TicketFormat.MAX_BATCH) {
                    int to = Math.min(tickets.size(), from + TicketFormat.MAX_BATCH);
                    List<String> signed = signer.signAll(tickets.subList(from, to));
                    for (int i = from; i < to; i++) {
                        tokens.get(i).complete(signed.get(i - from));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("signing a batch of {} tickets failed", tickets.size(), e);
                for (CompletableFuture<String> token : tokens) {
                    token.completeExceptionally(e);
                }
            } finally {
                groups.clear();
                tickets.clear();
                tokens.clear();
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}

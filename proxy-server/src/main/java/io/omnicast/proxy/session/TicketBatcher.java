package io.omnicast.proxy.session;

import io.omnicast.uscp.ticket.Ticket;
import io.omnicast.uscp.ticket.TicketFormat;
import io.omnicast.uscp.ticket.TicketSigner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs tickets on one thread, as many per Ed25519 signature as have queued up (group commit for signatures):
 * an idle proxy signs each ticket at once, a busy one signs everything that arrived during the previous
 * signature together. The tickets of one departure are queued together, so its orphans share one signature.
 * An Ed25519 signature (Bouncy Castle) costs about 60 us here; hashing a Merkle path costs microseconds.
 */
public final class TicketBatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TicketBatcher.class);

    /**
     * How long, at most, a join's ticket waits for company while the signer is busy. An idle proxy signs at once.
     * With the JDK's 0.65-1.7 ms signatures this was 3 ms (batches of about 15 at 5,000 joins/s); at 60 us a
     * signature, half a millisecond gathers 2-3 tickets at that rate, keeps the signer under a fifth of a core and
     * costs a join at most this much latency.
     */
    static final long GATHER_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
    /** "Busy": the previous signature ended less than this long before the next group arrived. */
    private static final long BUSY_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    /**
     * Tickets queued together (one join, or all orphans of one departure): always signed in one batch. Urgent
     * groups (re-parenting pushes, whose latency is the recovery time) never wait for company.
     */
    private record Group(List<Ticket> tickets, List<CompletableFuture<String>> tokens, boolean urgent,
            long queuedAt) {
    }

    private final TicketSigner signer;
    private final LinkedBlockingQueue<Group> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    /** Groups queued or being signed; a group leaves only after its tokens are completed. */
    private final AtomicInteger unfinished = new AtomicInteger();
    private volatile boolean running = true;

    public TicketBatcher(TicketSigner signer) {
        this.signer = signer;
        this.thread = new Thread(this::run, "ticket-signer");
        thread.setDaemon(true);
        thread.start();
    }

    /** One placement's ticket; under load it may wait up to {@link #GATHER_NANOS} to share a signature. */
    public CompletableFuture<String> sign(Ticket ticket) {
        CompletableFuture<String> token = new CompletableFuture<>();
        unfinished.incrementAndGet();
        queue.add(new Group(List.of(ticket), List.of(token), false, System.nanoTime()));
        return token;
    }

    /**
     * Signs the tickets as one urgent group (the pushes of one departure), so they share a signature (up to
     * {@link TicketFormat#MAX_BATCH}). When nothing is queued or being signed, they are signed at once on the
     * calling thread, which saves the hand-off to the signer thread (under load a thread wake-up can wait
     * milliseconds for a core); otherwise they queue behind the earlier tickets, so that a node never receives a
     * push before the reply to its own join.
     */
    public List<CompletableFuture<String>> signAll(List<Ticket> tickets) {
        List<CompletableFuture<String>> tokens = new ArrayList<>(tickets.size());
        for (int i = 0; i < tickets.size(); i++) {
            tokens.add(new CompletableFuture<>());
        }
        if (unfinished.get() == 0) {
            sign(tickets, tokens);
            return tokens;
        }
        unfinished.incrementAndGet();
        queue.add(new Group(List.copyOf(tickets), tokens, true, System.nanoTime()));
        LockSupport.unpark(thread); // it may be waiting for company for join tickets
        return tokens;
    }

    private void sign(List<Ticket> tickets, List<CompletableFuture<String>> tokens) {
        try {
            for (int from = 0; from < tickets.size(); from += TicketFormat.MAX_BATCH) {
                int to = Math.min(tickets.size(), from + TicketFormat.MAX_BATCH);
                List<String> signed = signer.signAll(tickets.subList(from, to));
                for (int i = from; i < to; i++) {
                    tokens.get(i).complete(signed.get(i - from));
                }
            }
        } catch (RuntimeException e) {
            LOG.error("signing a batch of {} tickets failed", tickets.size(), e);
            for (CompletableFuture<String> token : tokens) {
                token.completeExceptionally(e);
            }
        }
    }

    private void run() {
        List<Group> groups = new ArrayList<>();
        List<Ticket> tickets = new ArrayList<>(TicketFormat.MAX_BATCH);
        List<CompletableFuture<String>> tokens = new ArrayList<>(TicketFormat.MAX_BATCH);
        long lastSigned = System.nanoTime() - BUSY_NANOS;
        while (running) {
            try {
                Group first = queue.take();
                groups.add(first);
                int queued = first.tickets().size();
                boolean urgent = first.urgent();
                long deadline = first.queuedAt() - lastSigned < BUSY_NANOS ? first.queuedAt() + GATHER_NANOS
                        : first.queuedAt();
                // take more groups while the whole of the next one still fits the batch; while busy and nothing
                // urgent is queued, wait for them until the first group's deadline
                // (the wait is a park, not a blocking poll: a poll would wake this thread for every join's ticket;
                // only urgent groups unpark it early)
                while (queued < TicketFormat.MAX_BATCH) {
                    Group next = queue.peek();
                    if (next == null) {
                        long left = deadline - System.nanoTime();
                        if (urgent || left <= 0) {
                            break;
                        }
                        LockSupport.parkNanos(this, left);
                        if (Thread.interrupted()) {
                            throw new InterruptedException();
                        }
                        continue;
                    } else if (queued + next.tickets().size() <= TicketFormat.MAX_BATCH) {
                        queue.poll();
                    } else {
                        break;
                    }
                    groups.add(next);
                    queued += next.tickets().size();
                    urgent |= next.urgent();
                }
                for (Group g : groups) {
                    tickets.addAll(g.tickets());
                    tokens.addAll(g.tokens());
                }
                sign(tickets, tokens);
                lastSigned = System.nanoTime();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                unfinished.addAndGet(-groups.size());
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

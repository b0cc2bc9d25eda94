package io.omnicast.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.omnicast.media.buffer.PacketRingBuffer;
import io.omnicast.media.h264.AccessUnit;
import io.omnicast.media.h264.H264Depacketizer;
import io.omnicast.media.h264.H264Packetizer;
import io.omnicast.media.rtp.RtpPacket;
import io.omnicast.media.rtp.RtpPacketWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * media-transport hot paths, in packets per second on one core (issue #3): RTP header parse and validation,
 * H.264 depacketization of a ~30 KB access unit in FU-A fragments, and ring-buffer publish plus one reader's read.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
public class MediaTransportBenchmark {
    /** A 30 KB IDR slice in 1400-byte FU-A payloads: 22 packets. */
    private static final int ACCESS_UNIT_BYTES = 30_000;

    private ByteBuf singlePacket;
    private List<ByteBuf> fuAPackets;
    private RtpPacket[] fuAViews;
    private H264Depacketizer depacketizer;
    private final List<AccessUnit> units = new ArrayList<>(1);
    private PacketRingBuffer ring;
    private PacketRingBuffer.Reader reader;
    private RtpPacket[] ringPackets;
    private int ringCursor;

    @Setup(Level.Trial)
    public void setUp() {
        singlePacket = Unpooled.directBuffer(1500);
        RtpPacketWriter.writeHeader(singlePacket, true, 96, 12345, 90_000, 0xCAFEBABEL);
        singlePacket.writeZero(1200);

        ByteBuf nal = Unpooled.buffer(ACCESS_UNIT_BYTES);
        nal.writeByte(0x65);
        byte[] body = new byte[ACCESS_UNIT_BYTES - 1];
        new Random(1).nextBytes(body);
        nal.writeBytes(body);
        fuAPackets = new ArrayList<>();
        new H264Packetizer().packetize(List.of(nal), 0, new RtpPacketWriter(1, 96, 0),
                UnpooledByteBufAllocator.DEFAULT, fuAPackets);
        nal.release();
        fuAViews = fuAPackets.stream().map(RtpPacket::parse).toArray(RtpPacket[]::new);
        depacketizer = new H264Depacketizer(UnpooledByteBufAllocator.DEFAULT);

        ring = PacketRingBuffer.builder().capacityPackets(4096).build();
        reader = ring.startAtLatestKeyframe();
        ringPackets = fuAViews;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        singlePacket.release();
        fuAPackets.forEach(ByteBuf::release);
        depacketizer.reset();
        ring.close();
    }

    /** Parse and validate one 1212-byte RTP packet and read the fields a relay looks at. */
    @Benchmark
    public long rtpParse() {
        RtpPacket packet = RtpPacket.parse(singlePacket);
        return packet.sequenceNumber() + packet.timestamp() + packet.ssrc() + packet.payloadLength();
    }

    /**
     * One ~30 KB access unit: 22 FU-A packets in, one access unit out. Sequence numbers repeat each invocation,
     * so the depacketizer is reset per access unit; the figure is per packet.
     */
    @Benchmark
    @OperationsPerInvocation(22)
    public int h264DepacketizeFuA() {
        depacketizer.reset();
        for (RtpPacket packet : fuAViews) {
            depacketizer.push(packet, units);
        }
        AccessUnit unit = units.get(0);
        int size = unit.sizeBytes();
        unit.release();
        units.clear();
        return size;
    }

    /** Producer copies one 1.4 KB packet into the ring (with keyframe detection); one reader takes and releases it. */
    @Benchmark
    public int ringPublishAndRead() {
        ring.publish(ringPackets[ringCursor]);
        ringCursor = (ringCursor + 1) % ringPackets.length;
        ByteBuf packet = reader.poll();
        int size = packet == null ? 0 : packet.readableBytes();
        if (packet != null) {
            packet.release();
        }
        return size;
    }
}

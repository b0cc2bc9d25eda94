package io.omnicast.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.omnicast.uscp.UscpCodec;
import io.omnicast.uscp.UscpException;
import io.omnicast.uscp.v1.Capacity;
import io.omnicast.uscp.v1.Health;
import io.omnicast.uscp.v1.NodeInformation;
import io.omnicast.uscp.netty.UscpFraming;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * USCP codec cost for the most frequent message, the per-second {@code NodeInformation} beat, with schema
 * validation on (as in production) in both directions. Issue target: at least 50,000 decodes/s per core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
public class UscpCodecBenchmark {
    private final UscpCodec codec = UscpCodec.get();
    private NodeInformation message;
    private ByteBuf frame;
    private ByteBuf scratch;

    @Setup(Level.Trial)
    public void setUp() throws UscpException {
        message = new NodeInformation();
        message.setRequestId("b-123456");
        Capacity capacity = new Capacity();
        capacity.setMaxChildren(4);
        capacity.setUplinkKbps(20_000);
        capacity.setCpuLoad(23.5);
        capacity.setMemoryLoad(41.0);
        message.setCapacity(capacity);
        Health health = new Health();
        health.setFps(30.0);
        health.setBufferMs(500);
        health.setStalls(0);
        health.setStallMs(0L);
        health.setChildren(2);
        health.setPacketsLost(0L);
        health.setBitrateKbps(2048);
        message.setHealth(health);
        frame = Unpooled.directBuffer(1024);
        frame.writeInt(0);
        codec.encode(message, frame);
        frame.setInt(0, frame.readableBytes() - UscpFraming.LENGTH_FIELD_BYTES);
        scratch = Unpooled.directBuffer(1024);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        frame.release();
        scratch.release();
    }

    /** Frame in, message out: length prefix check, parse, validate, bind. */
    @Benchmark
    public Object decodeFrame() throws UscpException {
        int length = frame.getInt(0);
        return codec.decode(frame.slice(UscpFraming.LENGTH_FIELD_BYTES, length));
    }

    /** Message in, frame out: validate, marshal, length prefix. */
    @Benchmark
    public int encodeFrame() throws UscpException {
        scratch.clear();
        scratch.writeInt(0);
        codec.encode(message, scratch);
        scratch.setInt(0, scratch.readableBytes() - UscpFraming.LENGTH_FIELD_BYTES);
        return scratch.readableBytes();
    }

    /** Both directions, as a proxy does for a beat and its OK. */
    @Benchmark
    public Object encodeThenDecodeFrame() throws UscpException {
        encodeFrame();
        return codec.decode(scratch.slice(UscpFraming.LENGTH_FIELD_BYTES, scratch.getInt(0)));
    }
}

package io.omnicast.proxy.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.omnicast.proxy.directory.DirectoryEvent;
import io.omnicast.proxy.directory.NodeDirectory;
import io.omnicast.proxy.session.ChannelOwner;
import io.omnicast.proxy.session.ProxyServices;
import io.omnicast.proxy.session.Session;
import io.omnicast.proxy.topology.ChannelTree;
import io.omnicast.proxy.topology.ChannelTree.Node;
import io.omnicast.uscp.v1.Health;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP routes. Requests are answered from {@code apiExecutor}: tree snapshots are taken on each channel's
 * owning thread and database reads block, and neither may hold up an event loop. Stateless and {@link Sharable}.
 */
@Sharable
public final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    private static final Pattern TREE = Pattern.compile("/api/channels/([A-Za-z0-9._\\-]{1,64})/tree");
    private static final Pattern NODE = Pattern.compile("/api/nodes/([A-Za-z0-9._:\\-]{1,64})");
    private static final long SNAPSHOT_TIMEOUT_MS = 5_000;
    private static final int MAX_EVENTS = 1000;

    private final ProxyServices services;
    private final NodeDirectory directory;
    private final ExecutorService apiExecutor;
    private final String page;

    public ApiHandler(ProxyServices services, NodeDirectory directory, ExecutorService apiExecutor) {
        this.services = services;
        this.directory = directory;
        this.apiExecutor = apiExecutor;
        this.page = loadPage();
    }

    private static String loadPage() {
        try (InputStream in = ApiHandler.class.getResourceAsStream("tree.html")) {
            return in == null ? "<h1>OmniCast proxy</h1>" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<h1>OmniCast proxy</h1>";
        }
    }

    /** A response body with its status and content type. */
    record Reply(HttpResponseStatus status, String contentType, String body) {
        static Reply json(String body) {
            return new Reply(HttpResponseStatus.OK, "application/json; charset=utf-8", body);
        }

        static Reply error(HttpResponseStatus status, String message) {
            return new Reply(status, "application/json; charset=utf-8",
                    new JsonWriter().beginObject().field("error", message).endObject().toString());
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!HttpMethod.GET.equals(request.method())) {
            write(ctx, Reply.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET is supported"), keepAlive);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        apiExecutor.execute(() -> {
            Reply reply;
            try {
                reply = route(uri);
            } catch (IllegalArgumentException e) {
                reply = Reply.error(HttpResponseStatus.BAD_REQUEST, e.getMessage());
            } catch (Exception e) {
                LOG.error("HTTP {} failed", uri.path(), e);
                reply = Reply.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, String.valueOf(e.getMessage()));
            }
            write(ctx, reply, keepAlive);
        });
    }

    private Reply route(QueryStringDecoder uri) throws Exception {
        String path = uri.path();
        if (path.equals("/") || path.equals("/index.html")) {
            return new Reply(HttpResponseStatus.OK, "text/html; charset=utf-8", page);
        }
        if (path.equals("/metrics")) {
            return new Reply(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                    services.metrics().scrape());
        }
        if (path.equals("/api/channels")) {
            return Reply.json(channels());
        }
        Matcher tree = TREE.matcher(path);
        if (tree.matches()) {
            ChannelOwner owner = services.channel(tree.group(1));
            if (owner == null) {
                return Reply.error(HttpResponseStatus.NOT_FOUND, "no channel '" + tree.group(1) + "'");
            }
            return Reply.json(snapshot(owner, t -> treeJson(owner, t)));
        }
        Matcher node = NODE.matcher(path);
        if (node.matches()) {
            return node(node.group(1));
        }
        if (path.equals("/api/events")) {
            long since = longParam(uri, "since", 0);
            int limit = (int) Math.min(MAX_EVENTS, longParam(uri, "limit", MAX_EVENTS));
            return Reply.json(events(directory.eventsSince(since, limit)));
        }
        return Reply.error(HttpResponseStatus.NOT_FOUND, "no route " + path);
    }

    private static long longParam(QueryStringDecoder uri, String name, long fallback) {
        List<String> values = uri.parameters().get(name);
        if (values == null || values.isEmpty()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(values.get(0));
            if (value < 0) {
                throw new IllegalArgumentException(name + " must be 0 or more (was " + value + ")");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number (was '" + values.get(0) + "')");
        }
    }

    private static <T> T snapshot(ChannelOwner owner, java.util.function.Function<ChannelTree, T> task)
            throws Exception {
        return owner.call(task).get(SNAPSHOT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    private String channels() throws Exception {
        JsonWriter json = new JsonWriter().beginObject().field("algorithm", services.algorithm().id())
                .name("channels").beginArray();
        for (ChannelOwner owner : new TreeMap<>(services.channels()).values()) {
            String one = snapshot(owner, t -> {
                JsonWriter c = new JsonWriter().beginObject().field("name", owner.channel()).name("origins")
                        .beginArray();
                for (Node origin : t.origins()) {
                    c.beginObject().field("id", origin.id()).field("maxChildren", origin.maxChildren())
                            .field("children", origin.childCount()).endObject();
                }
                return c.endArray().field("nodes", t.size()).field("candidates", t.candidateCount()).endObject()
                        .toString();
            });
            json.raw(one);
        }
        return json.endArray().endObject().toString();
    }

    private String treeJson(ChannelOwner owner, ChannelTree tree) {
        List<Node> nodes = new ArrayList<>();
        tree.nodes().forEach(nodes::add);
        nodes.sort((a, b) -> a.hopCount() != b.hopCount() ? Integer.compare(a.hopCount(), b.hopCount())
                : a.id().compareTo(b.id()));
        JsonWriter json = new JsonWriter().beginObject().field("channel", owner.channel())
                .field("algorithm", services.algorithm().id()).field("size", tree.size()).name("nodes").beginArray();
        for (Node n : nodes) {
            nodeJson(json, owner.channel(), n);
        }
        return json.endArray().endObject().toString();
    }

    private void nodeJson(JsonWriter json, String channel, Node n) {
        Session s = n.attachment() instanceof Session session ? session : null;
        json.beginObject().field("id", n.id()).field("channel", channel).field("origin", n.isOrigin())
                .field("parent", n.parent() == null ? null : n.parent().id()).field("hopCount", n.hopCount())
                .field("maxChildren", n.maxChildren()).field("spareSlots", n.spareSlots())
                .field("reachable", n.reachable()).field("acceptsChildren", n.acceptsChildren())
                .field("demoted", n.demoted()).field("failureReports", n.failureReports())
                .field("ageMs", n.age().toMillis())
                .field("rttUs", n.measuredRtt().map(d -> d.toNanos() / 1000).orElse(-1L))
                .field("user", s == null ? null : s.user())
                .field("rtspUrl", s == null ? null : s.rtspUrl(channel));
        json.name("children").beginArray();
        for (Node child : n.children()) {
            json.value(child.id());
        }
        json.endArray();
        Health h = s == null ? null : s.health();
        if (h != null) {
            json.name("health").beginObject().field("fps", h.getFps()).field("bufferMs", h.getBufferMs())
                    .field("stalls", h.getStalls()).endObject();
        }
        json.endObject();
    }

    private Reply node(String id) throws Exception {
        Session session = services.session(id);
        List<String> rendered = new ArrayList<>();
        if (session != null) {
            for (String channel : session.channels()) {
                ChannelOwner owner = services.channel(channel);
                if (owner != null) {
                    String one = snapshot(owner, t -> {
                        Node n = t.get(id);
                        if (n == null) {
                            return null;
                        }
                        JsonWriter json = new JsonWriter();
                        nodeJson(json, channel, n);
                        return json.toString();
                    });
                    if (one != null) {
                        rendered.add(one);
                    }
                }
            }
        }
        List<DirectoryEvent> events = directory.eventsOfNode(id, 20);
        if (session == null && events.isEmpty()) {
            return Reply.error(HttpResponseStatus.NOT_FOUND, "no node '" + id + "'");
        }
        JsonWriter json = new JsonWriter().beginObject().field("id", id).field("online", session != null)
                .field("role", session == null ? null : session.role().name().toLowerCase(java.util.Locale.ROOT))
                .name("placements").beginArray();
        for (String one : rendered) {
            json.raw(one);
        }
        json.endArray().name("recentEvents").raw(events(events));
        return Reply.json(json.endObject().toString());
    }

    private static String events(List<DirectoryEvent> events) {
        JsonWriter json = new JsonWriter().beginObject().field("count", events.size()).field("last",
                events.isEmpty() ? 0 : events.get(events.size() - 1).id()).name("events").beginArray();
        for (DirectoryEvent e : events) {
            json.beginObject().field("id", e.id()).field("atMs", e.atMillis()).field("kind", e.kind())
                    .field("channel", e.channel()).field("node", e.nodeId()).field("parent", e.parentId())
                    .field("hopCount", e.hopCount()).field("durationUs", e.durationMicros())
                    .field("detail", e.detail()).endObject();
        }
        return json.endArray().endObject().toString();
    }

    private static void write(ChannelHandlerContext ctx, Reply reply, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, reply.status(),
                Unpooled.copiedBuffer(reply.body(), StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (keepAlive) {
            HttpUtil.setKeepAlive(response, true);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}

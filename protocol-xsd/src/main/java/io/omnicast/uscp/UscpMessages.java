package io.omnicast.uscp;

import io.omnicast.uscp.v1.ERROR;
import io.omnicast.uscp.v1.ErrorCode;
import io.omnicast.uscp.v1.Login;
import io.omnicast.uscp.v1.Logout;
import io.omnicast.uscp.v1.NodeInformation;
import io.omnicast.uscp.v1.OK;
import io.omnicast.uscp.v1.ReConfiguration;
import io.omnicast.uscp.v1.ReStreamingConnection;
import io.omnicast.uscp.v1.Subscription;
import java.util.List;

/** Facts about USCP messages that the generated classes do not share through a common type. */
public final class UscpMessages {
    /** XML namespace of USCP version 1. */
    public static final String NAMESPACE = "urn:omnicast:uscp:1";

    /** Every message type, in the order the protocol README lists them. */
    public static final List<Class<?>> TYPES = List.of(Login.class, Subscription.class, NodeInformation.class,
            ReConfiguration.class, Logout.class, ReStreamingConnection.class, OK.class, ERROR.class);

    private UscpMessages() {
    }

    /** True for an instance of one of the eight USCP message classes. */
    public static boolean isMessage(Object message) {
        return message != null && TYPES.contains(message.getClass());
    }

    /** The root element name of the message (also its simple class name). */
    public static String name(Object message) {
        return message.getClass().getSimpleName();
    }

    /** The message's requestId, or null for a message without one (a pushed ReStreamingConnection). */
    public static String requestId(Object message) {
        if (message instanceof Login m) {
            return m.getRequestId();
        } else if (message instanceof Subscription m) {
            return m.getRequestId();
        } else if (message instanceof NodeInformation m) {
            return m.getRequestId();
        } else if (message instanceof ReConfiguration m) {
            return m.getRequestId();
        } else if (message instanceof Logout m) {
            return m.getRequestId();
        } else if (message instanceof ReStreamingConnection m) {
            return m.getRequestId();
        } else if (message instanceof OK m) {
            return m.getRequestId();
        } else if (message instanceof ERROR m) {
            return m.getRequestId();
        }
        throw new IllegalArgumentException("not a USCP message: " + (message == null ? "null" : message.getClass()));
    }

    public static OK ok(String requestId) {
        OK ok = new OK();
        ok.setRequestId(requestId);
        return ok;
    }

    /**
     * An ERROR message. The text is cut to the schema's 1024-character limit so that an error about a
     * huge input can always be sent.
     */
    public static ERROR error(ErrorCode code, String text, String requestId, boolean fatal) {
        ERROR error = new ERROR();
        error.setCode(code);
        error.setMessage(text.length() > 1024 ? text.substring(0, 1021) + "..." : text);
        error.setRequestId(requestId);
        if (fatal) {
            error.setFatal(Boolean.TRUE);
        }
        return error;
    }

    /** The ERROR that answers a document the codec refused. */
    public static ERROR error(UscpException failure, boolean fatal) {
        return error(failure.code(), failure.getMessage(), failure.requestId(), fatal);
    }
}

package io.omnicast.uscp;

import io.omnicast.uscp.v1.ErrorCode;

/**
 * A USCP document that could not be read or written, with the machine-readable code the proxy answers
 * with and, where known, where in the document it went wrong.
 */
public final class UscpException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final int line;
    private final int column;
    private final String element;
    private final String requestId;

    public UscpException(ErrorCode code, String message, int line, int column, String element, String requestId,
            Throwable cause) {
        super(describe(message, line, column, element), cause);
        this.code = code;
        this.line = line;
        this.column = column;
        this.element = element;
        this.requestId = requestId;
    }

    public UscpException(ErrorCode code, String message) {
        this(code, message, -1, -1, null, null, null);
    }

    private static String describe(String message, int line, int column, String element) {
        StringBuilder text = new StringBuilder(message);
        if (line > 0) {
            text.append(" (line ").append(line).append(", column ").append(column);
            if (element != null) {
                text.append(", element ").append(element);
            }
            text.append(')');
        } else if (element != null) {
            text.append(" (element ").append(element).append(')');
        }
        return text.toString();
    }

    public ErrorCode code() {
        return code;
    }

    /** 1-based line of the offending input, or -1 when not known. */
    public int line() {
        return line;
    }

    /** 1-based column of the offending input, or -1 when not known. */
    public int column() {
        return column;
    }

    /** Local name of the element being read when it failed, or null. */
    public String element() {
        return element;
    }

    /** The request id of the failed document when it could still be read from its root element, or null. */
    public String requestId() {
        return requestId;
    }
}

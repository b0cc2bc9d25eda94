package io.omnicast.proxy.directory;

/** A database failure, with what was being done; the cause is the JDBC exception. */
public final class DirectoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DirectoryException(String message, Throwable cause) {
        super(message + (cause == null ? "" : ": " + cause.getMessage()), cause);
    }
}

package io.omnicast.media.sdp;

import java.util.List;
import java.util.Objects;

/** The small value types of a session description (RFC 8866 section 5). */
public final class SdpTypes {
    private SdpTypes() {
    }

    /** {@code o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>} (section 5.2). */
    public record Origin(String username, String sessionId, String sessionVersion, String networkType,
                         String addressType, String address) {
        static Origin parse(String value, int line) {
            String[] parts = value.split(" ");
            if (parts.length != 6) {
                throw new SdpFormatException("line " + line + ": o= needs 6 fields (has " + parts.length + "): " + value);
            }
            return new Origin(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]);
        }

        @Override
        public String toString() {
            return String.join(" ", username, sessionId, sessionVersion, networkType, addressType, address);
        }
    }

    /** {@code c=<nettype> <addrtype> <connection-address>} (section 5.7). */
    public record Connection(String networkType, String addressType, String address) {
        static Connection parse(String value, int line) {
            String[] parts = value.split(" ");
            if (parts.length != 3) {
                throw new SdpFormatException("line " + line + ": c= needs 3 fields (has " + parts.length + "): " + value);
            }
            return new Connection(parts[0], parts[1], parts[2]);
        }

        @Override
        public String toString() {
            return networkType + " " + addressType + " " + address;
        }
    }

    /** {@code t=<start-time> <stop-time>} and its {@code r=} repeat lines, kept as text (section 5.9, 5.10). */
    public record Timing(String start, String stop, List<String> repeats) {
        public Timing {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(stop, "stop");
            repeats = List.copyOf(repeats);
        }

        public static Timing permanent() {
            return new Timing("0", "0", List.of());
        }
    }

    /** {@code a=<name>[:<value>]} (section 5.13); {@code value} is null for a property attribute. */
    public record Attribute(String name, String value) {
        public Attribute {
            Objects.requireNonNull(name, "name");
        }

        public static Attribute flag(String name) {
            return new Attribute(name, null);
        }

        @Override
        public String toString() {
            return value == null ? name : name + ":" + value;
        }
    }

    /** Media direction attributes (section 6.7); {@link #SENDRECV} when none is given. */
    public enum Direction {
        SENDRECV, SENDONLY, RECVONLY, INACTIVE;

        public String attributeName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Direction fromAttributes(List<Attribute> attributes) {
            for (Attribute attribute : attributes) {
                for (Direction direction : values()) {
                    if (direction.attributeName().equals(attribute.name())) {
                        return direction;
                    }
                }
            }
            return null;
        }
    }
}

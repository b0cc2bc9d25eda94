package io.omnicast.uscp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.omnicast.uscp.v1.ErrorCode;
import io.omnicast.uscp.v1.ObjectFactory;
import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Marshaller;
import jakarta.xml.bind.UnmarshallerHandler;
import jakarta.xml.bind.Unmarshaller;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.ValidatorHandler;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;
import org.xml.sax.helpers.XMLFilterImpl;

/**
 * Reads and writes USCP documents: JAXB over a hardened SAX parser, validated against {@code uscp-1.xsd} in
 * both directions.
 *
 * <p>Hardening: DOCTYPE declarations are refused outright, which also rules out external entities and
 * entity expansion (billion laughs); secure processing caps what the parser may do anyway. Input is always
 * read as UTF-8, whatever the XML declaration says.
 *
 * <p>Thread-safe. The {@link JAXBContext} and {@link Schema} are shared; the parser, schema validators,
 * unmarshaller and marshallers, which are not thread-safe, are kept one per thread so a Netty event loop reuses
 * its own.
 */
public final class UscpCodec {
    private static final String SCHEMA_RESOURCE = "/io/omnicast/uscp/uscp-1.xsd";
    private static final Set<String> MESSAGE_NAMES =
            UscpMessages.TYPES.stream().map(Class::getSimpleName).collect(Collectors.toUnmodifiableSet());
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,64}");

    private static final UscpCodec INSTANCE = new UscpCodec();

    private final JAXBContext context;
    private final Schema schema;
    private final SAXParserFactory parserFactory;
    private final ThreadLocal<Reader> readers = ThreadLocal.withInitial(this::newReader);
    private final ThreadLocal<Writer> writers = ThreadLocal.withInitial(this::newWriter);

    private UscpCodec() {
        try {
            context = JAXBContext.newInstance(ObjectFactory.class);
            URL schemaUrl = UscpCodec.class.getResource(SCHEMA_RESOURCE);
            if (schemaUrl == null) {
                throw new IllegalStateException("USCP schema " + SCHEMA_RESOURCE + " is missing from the classpath");
            }
            SchemaFactory schemaFactory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            schemaFactory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            schema = schemaFactory.newSchema(schemaUrl);
            parserFactory = hardenedParserFactory();
        } catch (JAXBException | SAXException | ParserConfigurationException e) {
            throw new IllegalStateException("cannot initialise the USCP codec: " + e.getMessage(), e);
        }
    }

    /** The shared codec; building the JAXB context and schema is costly, so there is one per JVM. */
    public static UscpCodec get() {
        return INSTANCE;
    }

    private static SAXParserFactory hardenedParserFactory() throws ParserConfigurationException, SAXException {
        SAXParserFactory factory = SAXParserFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setValidating(false);
        factory.setXIncludeAware(false);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return factory;
    }

    /** Decodes the readable bytes of {@code frame} (UTF-8 XML) without moving its reader index or releasing it. */
    public Object decode(ByteBuf frame) throws UscpException {
        return decode(new ByteBufInputStream(frame.duplicate()));
    }

    /** Decodes one UTF-8 XML document. */
    public Object decode(byte[] xml) throws UscpException {
        return decode(Unpooled.wrappedBuffer(xml));
    }

    /** Decodes one UTF-8 XML document given as text. */
    public Object decode(String xml) throws UscpException {
        return decode(xml.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes a document and checks it is of the expected message type. */
    public <T> T decode(ByteBuf frame, Class<T> type) throws UscpException {
        Object message = decode(frame);
        if (!type.isInstance(message)) {
            throw new UscpException(ErrorCode.UNKNOWN_MESSAGE, "expected " + type.getSimpleName() + " but got "
                    + UscpMessages.name(message), -1, -1, null, UscpMessages.requestId(message), null);
        }
        return type.cast(message);
    }

    private Object decode(InputStream in) throws UscpException {
        Reader reader = readers.get();
        reader.reset();
        InputSource source = new InputSource(in);
        source.setEncoding(StandardCharsets.UTF_8.name());
        try {
            UnmarshallerHandler target = reader.unmarshaller.getUnmarshallerHandler();
            reader.validator.setContentHandler(target);
            reader.filter.parse(source);
            Object message = target.getResult();
            if (!UscpMessages.isMessage(message)) {
                throw reader.failure(ErrorCode.UNKNOWN_MESSAGE, "not a USCP message: " + message.getClass(), null);
            }
            return message;
        } catch (SAXException e) {
            throw reader.translate(e);
        } catch (IOException | JAXBException | RuntimeException e) {
            throw reader.failure(ErrorCode.MALFORMED_XML, "cannot read USCP document: " + e.getMessage(), e);
        } finally {
            // A failed parse can leave the parser or validator mid-document; the next call starts afresh.
            if (reader.broken) {
                readers.remove();
            }
        }
    }

    /** Encodes {@code message} as UTF-8 XML into {@code out}, validating it first against the schema. */
    public void encode(Object message, ByteBuf out) throws UscpException {
        encode(message, (OutputStream) new ByteBufOutputStream(out));
    }

    /** Encodes {@code message} as UTF-8 XML. */
    public byte[] encode(Object message) throws UscpException {
        ByteBuf out = Unpooled.buffer(512);
        try {
            encode(message, out);
            byte[] bytes = new byte[out.readableBytes()];
            out.readBytes(bytes);
            return bytes;
        } finally {
            out.release();
        }
    }

    /** Encodes {@code message} as a UTF-8 XML string (for logs and tests). */
    public String encodeToString(Object message) throws UscpException {
        return new String(encode(message), StandardCharsets.UTF_8);
    }

    private void encode(Object message, OutputStream out) throws UscpException {
        if (!UscpMessages.isMessage(message)) {
            throw new UscpException(ErrorCode.UNKNOWN_MESSAGE,
                    "not a USCP message: " + (message == null ? "null" : message.getClass().getName()));
        }
        Writer writer = writers.get();
        try {
            // Validate first (nothing is written for an invalid message), then write with JAXB's own UTF-8 output.
            writer.tickets.reset();
            writer.validating.marshal(message, writer.tickets);
        } catch (JAXBException e) {
            // A failed validation can leave the validator mid-document; the next call starts afresh.
            writers.remove();
            Throwable cause = e.getLinkedException() != null ? e.getLinkedException() : e;
            throw new UscpException(ErrorCode.INVALID_MESSAGE, "refusing to send an invalid "
                    + UscpMessages.name(message) + ": " + cause.getMessage(), -1, -1, UscpMessages.name(message),
                    UscpMessages.requestId(message), e);
        }
        try {
            writer.output.marshal(message, out);
        } catch (JAXBException e) {
            Throwable cause = e.getLinkedException() != null ? e.getLinkedException() : e;
            throw new UscpException(ErrorCode.INVALID_MESSAGE, "cannot write " + UscpMessages.name(message) + ": "
                    + cause.getMessage(), -1, -1, UscpMessages.name(message), UscpMessages.requestId(message), e);
        }
    }

    private Reader newReader() {
        try {
            XMLReader xmlReader = parserFactory.newSAXParser().getXMLReader();
            // Validation runs in our own SAX chain (parser -> root filter -> schema validator -> JAXB) so the
            // validator is built once per thread; Unmarshaller.setSchema would build one per document.
            ValidatorHandler validator = schema.newValidatorHandler();
            return new Reader(xmlReader, validator, context.createUnmarshaller());
        } catch (JAXBException | SAXException | ParserConfigurationException e) {
            throw new IllegalStateException("cannot create a USCP reader: " + e.getMessage(), e);
        }
    }

    private Writer newWriter() {
        try {
            // Marshaller.setSchema would build a new validator for every document (about 0.2-0.35 ms per
            // message measured); this thread's ValidatorHandler is reused instead, fed by a marshal to SAX.
            Marshaller validating = context.createMarshaller();
            ValidatorHandler validator = schema.newValidatorHandler();
            Marshaller output = context.createMarshaller();
            output.setProperty(Marshaller.JAXB_ENCODING, StandardCharsets.UTF_8.name());
            output.setProperty(Marshaller.JAXB_FORMATTED_OUTPUT, Boolean.FALSE);
            // No XML declaration: USCP is always UTF-8, and the 55 bytes are pure overhead on every frame.
            output.setProperty(Marshaller.JAXB_FRAGMENT, Boolean.TRUE);
            TicketShortcut tickets = new TicketShortcut();
            tickets.setContentHandler(validator);
            return new Writer(validating, tickets, output);
        } catch (JAXBException e) {
            throw new IllegalStateException("cannot create a USCP writer: " + e.getMessage(), e);
        }
    }

    /**
     * One thread's writers: {@code validating} marshals to SAX events checked by the schema validator behind
     * {@code tickets} (no output, errors thrown at the first problem); {@code output} writes the bytes.
     */
    private record Writer(Marshaller validating, TicketShortcut tickets, Marshaller output) {
    }

    /** The schema's pattern for {@code Ticket} (uscp-1.xsd); {@link #isTicket} checks exactly this. */
    static final String TICKET_PATTERN = "[A-Za-z0-9_\\-.]{16,1024}";

    /** {@link #TICKET_PATTERN} without a regular expression: 16 to 1,024 of A-Z, a-z, 0-9, '_', '-', '.'. */
    static boolean isTicket(CharSequence text) {
        int n = text.length();
        if (n < 16 || n > 1024) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
                    || c == '.')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Sits in front of the schema validator on the encoding side. Xerces matches {@code xs:pattern} facets one
     * character at a time through its own regular-expression engine; for the signed tickets (hundreds of
     * characters, up to three copies per {@code ReStreamingConnection}) that was a third of an event loop's
     * encoding time. A ticket that passes {@link #isTicket} (the same rule) reaches the validator as a short
     * valid stand-in; one that does not reaches it unchanged, so the validator reports it exactly as before.
     * Everything else is validated by the schema as it is.
     */
    private static final class TicketShortcut extends XMLFilterImpl {
        private static final char[] STAND_IN = "ticket-checked.0".toCharArray();
        private final StringBuilder ticket = new StringBuilder(1024);
        private boolean inTicket;

        void reset() {
            ticket.setLength(0);
            inTicket = false;
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes atts) throws SAXException {
            super.startElement(uri, localName, qName, atts);
            if ("Ticket".equals(localName) && UscpMessages.NAMESPACE.equals(uri)) {
                inTicket = true;
                ticket.setLength(0);
            }
        }

        @Override
        public void characters(char[] ch, int start, int length) throws SAXException {
            if (inTicket) {
                ticket.append(ch, start, length);
            } else {
                super.characters(ch, start, length);
            }
        }

        @Override
        public void endElement(String uri, String localName, String qName) throws SAXException {
            if (inTicket) {
                inTicket = false;
                if (isTicket(ticket)) {
                    super.characters(STAND_IN, 0, STAND_IN.length);
                } else {
                    char[] text = ticket.toString().toCharArray();
                    super.characters(text, 0, text.length);
                }
            }
            super.endElement(uri, localName, qName);
        }
    }

    /** One thread's parser, validator and unmarshaller, plus what the last document told us about itself. */
    private static final class Reader {
        final RootFilter filter;
        final ValidatorHandler validator;
        final Unmarshaller unmarshaller;
        boolean broken;

        Reader(XMLReader xmlReader, ValidatorHandler validator, Unmarshaller unmarshaller) {
            this.filter = new RootFilter(xmlReader);
            this.validator = validator;
            this.unmarshaller = unmarshaller;
            filter.setContentHandler(validator);
            // No error handler on the validator: errors are thrown, so we stop at the first problem.
        }

        void reset() {
            filter.reset();
            broken = false;
        }

        UscpException translate(SAXException e) {
            broken = true;
            if (filter.unknownRoot != null) {
                return failure(ErrorCode.UNKNOWN_MESSAGE, filter.unknownRoot, e);
            }
            int line = -1;
            int column = -1;
            String text = e.getMessage();
            if (e instanceof SAXParseException parse) {
                line = parse.getLineNumber();
                column = parse.getColumnNumber();
            } else if (e.getException() != null && e.getException().getMessage() != null) {
                text = e.getException().getMessage();
            }
            // The JDK's Xerces prefixes every XML Schema validation message with the constraint's
            // "cvc-" id; anything else the parser reports is a well-formedness error.
            ErrorCode code = text != null && text.startsWith("cvc-") ? ErrorCode.INVALID_MESSAGE
                    : ErrorCode.MALFORMED_XML;
            if (line < 0 && filter.locator != null) {
                line = filter.locator.getLineNumber();
                column = filter.locator.getColumnNumber();
            }
            if (text != null && text.contains("disallow-doctype-decl")) {
                text = "DOCTYPE declarations are not allowed in USCP documents";
            }
            String prefix = code == ErrorCode.MALFORMED_XML ? "malformed XML: " : "invalid " + filter.rootName() + ": ";
            return new UscpException(code, prefix + text, line, column, filter.currentElement(), filter.requestId, e);
        }

        UscpException failure(ErrorCode code, String text, Throwable cause) {
            broken = true;
            int line = filter.locator != null ? filter.locator.getLineNumber() : -1;
            int column = filter.locator != null ? filter.locator.getColumnNumber() : -1;
            return new UscpException(code, text, line, column, filter.currentElement(), filter.requestId, cause);
        }
    }

    /**
     * Sees the document before JAXB does: refuses an unknown root element early (so a valid document of
     * another vocabulary gets UNKNOWN_MESSAGE, not a schema error), and remembers the root's requestId and
     * the element being read, so errors can say where they happened and echo the request.
     */
    private static final class RootFilter extends XMLFilterImpl {
        final Deque<String> path = new ArrayDeque<>();
        Locator locator;
        String root;
        String requestId;
        String unknownRoot;

        RootFilter(XMLReader parent) {
            super(parent);
        }

        void reset() {
            path.clear();
            locator = null;
            root = null;
            requestId = null;
            unknownRoot = null;
        }

        String rootName() {
            return root == null ? "document" : root;
        }

        String currentElement() {
            return path.peek() != null ? path.peek() : root;
        }

        @Override
        public void setDocumentLocator(Locator locator) {
            this.locator = locator;
            super.setDocumentLocator(locator);
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes atts) throws SAXException {
            if (root == null) {
                root = localName;
                if (!UscpMessages.NAMESPACE.equals(uri) || !MESSAGE_NAMES.contains(localName)) {
                    unknownRoot = "unknown message <" + localName + "> in namespace '" + uri
                            + "' (expected one of " + MESSAGE_NAMES + " in " + UscpMessages.NAMESPACE + ")";
                    throw new SAXException(unknownRoot);
                }
                String id = atts.getValue("", "requestId");
                if (id != null && REQUEST_ID.matcher(id).matches()) {
                    requestId = id;
                }
            }
            path.push(localName);
            super.startElement(uri, localName, qName, atts);
        }

        @Override
        public void endElement(String uri, String localName, String qName) throws SAXException {
            super.endElement(uri, localName, qName);
            path.poll();
        }
    }
}

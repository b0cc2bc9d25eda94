package io.omnicast.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JsonWriterTest {
    @Test
    void writesNestedObjectsArraysAndEscapes() {
        String json = new JsonWriter().beginObject().field("a", "x\"y\\z\n<").field("n", 3).field("ok", true)
                .name("list").beginArray().value(1).value("two").beginObject().endObject().endArray()
                .field("none", (String) null).name("raw").raw("{\"k\":1}").endObject().toString();
        assertEquals("{\"a\":\"x\\\"y\\\\z\\n\\u003c\",\"n\":3,\"ok\":true,\"list\":[1,\"two\",{}],\"none\":null,"
                + "\"raw\":{\"k\":1}}", json);
    }

    @Test
    void controlCharactersAreEscapedAndNonFiniteNumbersAreNull() {
        assertEquals("[\"\\u0001\",null]", new JsonWriter().beginArray().value("\u0001").value(Double.NaN).endArray()
                .toString());
    }
}

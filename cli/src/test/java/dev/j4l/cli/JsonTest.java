package dev.j4l.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON the {@code --json} outputs write, read back by the command's own reader. */
class JsonTest {
    @Test
    void whatIsWrittenReadsBackTheSame() {
        Map<String, Object> value = Json.object("name", "a \"quoted\"\\ name\twith\ncontrols\u0001", "none", null,
                "yes", true, "count", 42L, "lines", List.of(Json.object("offset", 0), Json.object("offset", 1)),
                "empty", List.of());
        String text = Json.write(value);
        assertEquals(1, text.lines().count(), text);
        assertEquals(Json.object("name", "a \"quoted\"\\ name\twith\ncontrols\u0001", "none", null, "yes", true,
                "count", 42.0, "lines", List.of(Json.object("offset", 0.0), Json.object("offset", 1.0)),
                "empty", List.of()), Json.parse(text));
        assertEquals(List.of("name", "none", "yes", "count", "lines", "empty"),
                List.copyOf(((Map<?, ?>) Json.parse(text)).keySet()), "keys keep their order");
    }

    @Test
    void onlyJsonValuesAreWritten() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(Json.object("array", new int[] {1})));
        assertThrows(IllegalArgumentException.class, () -> Json.object("key without a value"));
        assertEquals("[null,\"x\"]", Json.write(Arrays.asList(null, "x")));
    }
}

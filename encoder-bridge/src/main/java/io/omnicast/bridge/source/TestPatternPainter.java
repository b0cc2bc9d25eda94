package io.omnicast.bridge.source;

import java.time.LocalTime;

/**
 * Paints the test pattern's YUV 4:2:0 planes in Java arrays: diagonal bands that scroll, a box that bounces, and
 * a burnt-in wall clock and frame counter in a 5x7 bitmap font. Deliberately cheap: rows are copied out of a
 * precomputed ramp, so a 720p frame costs a few memcpys, not a per-pixel loop. The pattern's chroma never
 * changes, so it is painted once. Not thread-safe.
 */
final class TestPatternPainter {
    private static final int GLYPH_WIDTH = 5;
    private static final int GLYPH_HEIGHT = 7;
    private static final String CHARS = "0123456789:.# ";
    /** Rows of each glyph, five bits each, most significant bit on the left. */
    private static final int[][] GLYPHS = {
        {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}, // 0
        {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E}, // 1
        {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}, // 2
        {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E}, // 3
        {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}, // 4
        {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E}, // 5
        {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}, // 6
        {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}, // 7
        {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}, // 8
        {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C}, // 9
        {0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00}, // :
        {0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C}, // .
        {0x0A, 0x0A, 0x1F, 0x0A, 0x1F, 0x0A, 0x0A}, // #
        {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}, // space
    };

    private final int width;
    private final int height;
    private final int scale;
    private final byte[] ramp;
    final byte[] luma;
    final byte[] chromaU;
    final byte[] chromaV;

    TestPatternPainter(int width, int height) {
        this.width = width;
        this.height = height;
        this.scale = Math.max(1, height / 80);
        ramp = new byte[width + height + 256];
        for (int i = 0; i < ramp.length; i++) {
            int phase = i & 0xFF;
            ramp[i] = (byte) (48 + (phase < 128 ? phase : 255 - phase)); // a triangle wave: soft bands
        }
        luma = new byte[width * height];
        chromaU = new byte[(width / 2) * (height / 2)];
        chromaV = new byte[(width / 2) * (height / 2)];
        for (int y = 0; y < height / 2; y++) {
            for (int x = 0; x < width / 2; x++) {
                chromaU[y * (width / 2) + x] = (byte) (64 + 128 * x / (width / 2));
                chromaV[y * (width / 2) + x] = (byte) (192 - 128 * y / (height / 2));
            }
        }
    }

    /** Paints frame number {@code frame} with the wall-clock time {@code clock} into {@link #luma}. */
    void paint(long frame, LocalTime clock) {
        int shift = (int) ((frame * 4) % 256);
        for (int y = 0; y < height; y++) {
            System.arraycopy(ramp, (y + shift) % (height + 256), luma, y * width, width);
        }
        int box = Math.max(8, height / 8);
        int travel = Math.max(1, width - box);
        int position = (int) ((frame * 8) % (2L * travel));
        int boxX = position < travel ? position : 2 * travel - position;
        int boxY = height / 2 - box / 2;
        fill(boxX, boxY, box, box, (byte) 235);
        String time = String.format("%02d:%02d:%02d.%03d", clock.getHour(), clock.getMinute(), clock.getSecond(),
                clock.getNano() / 1_000_000);
        String counter = String.format("#%07d", frame);
        int textHeight = (GLYPH_HEIGHT + 2) * scale;
        drawText(time, scale * 2, scale * 2);
        drawText(counter, scale * 2, scale * 2 + textHeight + scale);
    }

    private void drawText(String text, int left, int top) {
        int advance = (GLYPH_WIDTH + 1) * scale;
        fill(left - scale, top - scale, text.length() * advance + scale, (GLYPH_HEIGHT + 2) * scale, (byte) 16);
        for (int i = 0; i < text.length(); i++) {
            int[] glyph = GLYPHS[CHARS.indexOf(text.charAt(i))];
            int x0 = left + i * advance;
            for (int row = 0; row < GLYPH_HEIGHT; row++) {
                for (int column = 0; column < GLYPH_WIDTH; column++) {
                    if ((glyph[row] & (1 << (GLYPH_WIDTH - 1 - column))) != 0) {
                        fill(x0 + column * scale, top + row * scale, scale, scale, (byte) 235);
                    }
                }
            }
        }
    }

    private void fill(int x, int y, int w, int h, byte value) {
        int x0 = Math.max(0, x);
        int x1 = Math.min(width, x + w);
        int y1 = Math.min(height, y + h);
        for (int row = Math.max(0, y); row < y1 && x0 < x1; row++) {
            java.util.Arrays.fill(luma, row * width + x0, row * width + x1, value);
        }
    }
}

package io.omnicast.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.knowm.xchart.style.Styler;

/**
 * Charts in one readable house style (XChart, written as PNG): large fonts, a white background, a colour-blind
 * safe palette (Okabe-Ito) in which the n-th system compared always has the same colour, lines without markers.
 * Report charts are compared side by side, so every chart of a run has the same size.
 */
public final class Charts {
    public static final int WIDTH = 1000;
    public static final int HEIGHT = 600;
    private static final Color[] PALETTE = {
        new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
        new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000), new Color(0xF0E442),
    };

    static {
        // Reports are written on servers without a display.
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    /** A line chart (CDFs, time series) in the house style. */
    public static XYChart lines(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        return chart;
    }

    /** Adds a line series without markers, in the palette colour of system {@code index}. */
    public static XYSeries addLine(XYChart chart, int index, String name, double[] x, double[] y) {
        double[] xs = x.length == 0 ? new double[] {0} : x;
        double[] ys = y.length == 0 ? new double[] {0} : y;
        XYSeries series = chart.addSeries(name, xs, ys);
        series.setMarker(SeriesMarkers.NONE);
        series.setLineColor(PALETTE[index % PALETTE.length]);
        series.setLineStyle(new BasicStroke(2.5f));
        return series;
    }

    /** A grouped bar chart (distributions over categories, one bar group per category) in the house style. */
    public static CategoryChart bars(String title, String xTitle, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setOverlapped(false);
        chart.getStyler().setAvailableSpaceFill(0.8);
        return chart;
    }

    /** Adds a bar series in the palette colour of system {@code index}. */
    public static void addBars(CategoryChart chart, int index, String name, List<String> categories,
            List<? extends Number> values) {
        chart.addSeries(name, categories, values).setFillColor(PALETTE[index % PALETTE.length]);
    }

    private static void style(Styler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderColor(Color.GRAY);
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 16));
        styler.setLegendBorderColor(Color.LIGHT_GRAY);
        styler.setChartTitleBoxVisible(false);
        styler.setAntiAlias(true);
        styler.setChartPadding(12);
        styler.setSeriesColors(PALETTE);
        if (styler instanceof org.knowm.xchart.style.AxesChartStyler axes) {
            axes.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 17));
            axes.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
            axes.setAxisTitlePadding(10);
            axes.setPlotGridVerticalLinesVisible(true);
            axes.setPlotGridLinesColor(new Color(0xDDDDDD));
        }
    }

    /** Writes {@code chart} as {@code name.png} into {@code run} and returns the file. */
    public static Path save(RunDirectory run, String name, Chart<?, ?> chart) {
        Path file = run.chartFile(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + file, e);
        }
        return file;
    }
}

package io.omnicast.bench.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A results table for {@code report.md}: one row per metric, one column per system compared (plugins, set-ups)
 * and, when any row has one, a "paper" column with the figure the paper reports for the same metric. Rows whose
 * metric the paper does not cover leave that cell empty rather than inventing a comparison.
 */
public final class ResultTable {
    private final String title;
    private final String metricHeader;
    private final List<String> columns;
    private final List<Row> rows = new ArrayList<>();

    private record Row(String metric, List<String> values, String paper) {
    }

    /**
     * @param title heading above the table
     * @param metricHeader header of the first column (e.g. "metric")
     * @param columns the systems compared, one value each per row
     */
    public ResultTable(String title, String metricHeader, List<String> columns) {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("table '" + title + "' needs at least one column");
        }
        this.title = title;
        this.metricHeader = metricHeader;
        this.columns = List.copyOf(columns);
    }

    /** A row without a paper figure. */
    public ResultTable row(String metric, List<String> values) {
        return row(metric, values, null);
    }

    /** A row with the paper's figure for the same metric ({@code paper} null or empty when there is none). */
    public ResultTable row(String metric, List<String> values, String paper) {
        if (values.size() != columns.size()) {
            throw new IllegalArgumentException("table '" + title + "', row '" + metric + "': needs " + columns.size()
                    + " values (was " + values.size() + ")");
        }
        rows.add(new Row(metric, List.copyOf(values), paper == null || paper.isBlank() ? null : paper));
        return this;
    }

    public String title() {
        return title;
    }

    public List<String> columns() {
        return Collections.unmodifiableList(columns);
    }

    public int rowCount() {
        return rows.size();
    }

    /** True when at least one row carries a paper figure (the paper column is then shown). */
    public boolean hasPaperColumn() {
        return rows.stream().anyMatch(r -> r.paper != null);
    }

    /** The table as GitHub-flavoured Markdown. */
    public String toMarkdown() {
        boolean paper = hasPaperColumn();
        StringBuilder md = new StringBuilder();
        md.append("| ").append(escape(metricHeader));
        for (String column : columns) {
            md.append(" | ").append(escape(column));
        }
        if (paper) {
            md.append(" | paper");
        }
        md.append(" |\n|---");
        md.append("|---:".repeat(columns.size()));
        if (paper) {
            md.append("|---");
        }
        md.append("|\n");
        for (Row row : rows) {
            md.append("| ").append(escape(row.metric));
            for (String value : row.values) {
                md.append(" | ").append(escape(value));
            }
            if (paper) {
                md.append(" | ").append(row.paper == null ? "" : escape(row.paper));
            }
            md.append(" |\n");
        }
        return md.toString();
    }

    private static String escape(String cell) {
        return cell == null ? "" : cell.replace("|", "\\|").replace("\n", " ");
    }
}

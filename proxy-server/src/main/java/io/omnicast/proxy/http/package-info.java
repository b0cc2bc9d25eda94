/** The HTTP API (JSON), the tree page and the Prometheus {@code /metrics} endpoint, on Netty's HTTP codec. */
package io.omnicast.proxy.http;

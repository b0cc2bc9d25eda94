/**
 * The proxy server (directory): USCP service, node directory in H2, authentication, topology plugins, re-parenting, HTTP API.
 */
package io.omnicast.proxy;

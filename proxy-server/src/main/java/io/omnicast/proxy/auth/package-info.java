/**
 * Authentication: PBKDF2 password hashes, the password policy, the per-address slow-down of failing logins,
 * accounts, and the proxy's ticket signing key. Blocking work here runs on the auth threads, never on an
 * event loop.
 */
package io.omnicast.proxy.auth;

/**
 * A safety net for the whole suite: the product's defaults name public resolvers and mail
 * hosts, and a test (or a process it spawns, which inherits this environment) that forgot to
 * override one must still talk only to loopback.
 */
process.env.BZ_DOH ??= 'http://127.0.0.1:8053/dns-query';
process.env.BZ_DOCTOR_HOSTS ??= '';
process.env.BZ_DNSBL_ZONES ??= '';

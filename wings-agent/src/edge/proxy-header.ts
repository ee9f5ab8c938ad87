import type { Socket } from 'node:net';
import ipaddr from 'ipaddr.js';
import {
  Command,
  IPv4Address,
  IPv4ProxyAddress,
  IPv6Address,
  IPv6ProxyAddress,
  TransportProtocol,
  V2ProxyProtocol,
} from 'proxy-protocol-js';

/**
 * The PROXY protocol v2 header naming the player's address, built with proxy-protocol-js (a
 * small, dependency-free implementation of HAProxy's spec) rather than by hand.
 */
export function proxyV2Header(client: Socket): Buffer {
  // ipaddr.process turns a dual-stack socket's ::ffff:a.b.c.d back into IPv4.
  const source = ipaddr.process(client.remoteAddress ?? '0.0.0.0');
  const destination = ipaddr.process(client.localAddress ?? '0.0.0.0');
  const sourcePort = client.remotePort ?? 0;
  const destinationPort = client.localPort ?? 0;
  const address =
    source.kind() === 'ipv4' && destination.kind() === 'ipv4'
      ? new IPv4ProxyAddress(
          IPv4Address.createFrom(source.toByteArray()),
          sourcePort,
          IPv4Address.createFrom(destination.toByteArray()),
          destinationPort,
        )
      : new IPv6ProxyAddress(
          IPv6Address.createFrom(asIPv6(source)),
          sourcePort,
          IPv6Address.createFrom(asIPv6(destination)),
          destinationPort,
        );
  return Buffer.from(new V2ProxyProtocol(Command.PROXY, TransportProtocol.STREAM, address).build());
}

function asIPv6(address: ipaddr.IPv4 | ipaddr.IPv6): number[] {
  return (address.kind() === 'ipv4' ? (address as ipaddr.IPv4).toIPv4MappedAddress() : address).toByteArray();
}

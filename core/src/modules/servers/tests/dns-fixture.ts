import dns2 from 'dns2';

/** A DNS server on loopback answering TXT questions from a map the test changes. */
export async function startDns(txt: Map<string, string[]>): Promise<{ port: number; close(): Promise<void> }> {
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = dns2.Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      for (const data of txt.get(question!.name.toLowerCase()) ?? [])
        response.answers.push({ name: question!.name, type: dns2.Packet.TYPE.TXT, class: dns2.Packet.CLASS.IN, ttl: 1, data } as never);
      void send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  return { port: addresses.udp!.port, close: () => server.close() };
}

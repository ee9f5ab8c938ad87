import { OAuth2Server } from 'oauth2-mock-server';

/** A local OAuth2 provider (oauth2-mock-server) that approves at once and answers userinfo with `profile`. */
export interface TestOAuthProvider {
  url: string;
  /** What the next userinfo call returns. */
  profile: Record<string, unknown>;
  /** The panel's provider settings pointing at this server. */
  settings(name: string): { clientId: string; clientSecret: string; authorizeUrl: string; tokenUrl: string; userinfoUrl: string };
  stop(): Promise<void>;
}

export async function startOAuthProvider(): Promise<TestOAuthProvider> {
  const server = new OAuth2Server();
  await server.issuer.keys.generate('RS256');
  await server.start(0, '127.0.0.1');
  const url = server.issuer.url!;
  const provider: TestOAuthProvider = {
    url,
    profile: {},
    settings: (name) => ({
      clientId: `${name}-client`,
      clientSecret: `${name}-secret`,
      authorizeUrl: `${url}/authorize`,
      tokenUrl: `${url}/token`,
      userinfoUrl: `${url}/userinfo`,
    }),
    stop: () => server.stop(),
  };
  server.service.on('beforeUserinfo', (response) => {
    response.body = provider.profile;
  });
  return provider;
}

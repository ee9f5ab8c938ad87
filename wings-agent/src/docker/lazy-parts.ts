import module from 'node:module';

/**
 * dockerode requires, at load, docker-modem's ssh transport (ssh2) and its BuildKit session
 * (@grpc/grpc-js, @grpc/proto-loader, protobufjs): about 5 MB of an idle agent's memory for code
 * the agent runs only with an ssh:// Docker host or a BuildKit build, which it never asks for.
 * This sends those two requires to stand-ins that load the real module on first call, so the
 * behaviour is the same and the cost is paid only when used. Import it before dockerode.
 *
 * `module.registerHooks` is Node's synchronous resolution hook (22.15 and newer); without it
 * dockerode loads everything at once, as before.
 */
type Resolve = (specifier: string, context: { parentURL?: string }) => { url: string };
type RegisterHooks = (hooks: {
  resolve: (specifier: string, context: { parentURL?: string }, next: Resolve) => { url: string; shortCircuit?: boolean };
}) => unknown;

const STAND_INS: { parent: string; specifier: string; standIn: string }[] = [
  { parent: '/docker-modem/lib/modem.js', specifier: './ssh', standIn: './lazy-ssh.cjs' },
  { parent: '/dockerode/lib/docker.js', specifier: './session', standIn: './lazy-session.cjs' },
];

const registerHooks = (module as unknown as { registerHooks?: RegisterHooks }).registerHooks;
registerHooks?.({
  resolve(specifier, context, next) {
    const standIn = STAND_INS.find((s) => s.specifier === specifier && context.parentURL?.endsWith(s.parent));
    if (!standIn) return next(specifier, context);
    return { url: new URL(standIn.standIn, import.meta.url).href, shortCircuit: true };
  },
});

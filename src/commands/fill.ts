// src/commands/: one file per CLI command: argv to the one request (request.ts), the core called through
// core/session.ts, the result printed (report.ts, json.ts, io.ts). No GitLab logic here.
/**
 * `login` and `verify` in a terminal: what the flags, CI variables and team file left open is filled from the
 * answers the wizard remembered (the request model's `remembered` layer, core/request.ts), and the rest is asked
 * (the registry, a deploy token's username, the token), the way `docker login` prompts. Without a terminal nothing
 * here runs: a missing flag is exit 2 at once.
 */
import { CREDENTIALS, usernameOptional } from '../core/credentials.js';
import { InputError } from '../core/errors.js';
import { parseRegistry } from '../core/hosts.js';
import { cleanToken } from '../core/secret.js';
import { usernameOf, withTypeFromUsername, type Layers, type LoginRequest } from '../core/request.js';
import { openConfStore, rememberedLayer, type AnswerStore } from '../core/remembered.js';
import type { RealmCache } from '../core/realmcache.js';
import { ask } from './prompt.js';
import { paint, useColor, type IO } from './io.js';

export interface Filled {
  request: LoginRequest;
  token: string;
  store: AnswerStore;
}

/** Fill the request from the remembered answers and the person; resolves with the request and the token typed. */
export async function fillInteractively(
  layers: Layers,
  io: IO,
  realms: RealmCache | undefined,
  openStore: () => Promise<AnswerStore> = () => openConfStore(),
): Promise<Filled> {
  const store = await openStore();
  const c = paint(useColor(io));
  // The remembered registry (or the one found for a remembered instance) is offered (Enter takes it), not taken
  // silently: it is the one question docker asks too. docker's `-u` says the type when no source did.
  const resolve = (registry?: string) => rememberedLayer(store, layers, realms, { registry, offer: ['registry'] });
  const first = resolve();
  const rememberedRegistry = first.implied.registry;
  let request = withTypeFromUsername(first.request);

  if (!request.registry && (!request.gitlab || request.gitlab.source === 'remembered')) {
    let typed: string | undefined;
    for (let tries = 0; typed === undefined; tries++) {
      const text = await ask(io, 'Registry', rememberedRegistry ? { defaultValue: rememberedRegistry } : {});
      try {
        typed = parseRegistry(text, 'Registry').registry;
      } catch (e) {
        if (!(e instanceof InputError) || tries >= 2) throw e;
        io.stdout.write(`${c.red('✘')} ${e.message}\n`);
      }
    }
    request = { ...withTypeFromUsername(resolve(typed).request), registry: { value: typed, source: 'typed' } };
  }
  // docker assumes a password; for GitLab that is a personal access token.
  if (!request.credentialType) request = { ...request, credentialType: { value: 'personal-access-token', source: 'assumed' } };
  const type = request.credentialType!.value;
  if (!usernameOf(request) && !usernameOptional(type)) {
    const name = await ask(io, `Username (${CREDENTIALS[type].usernameHint})`);
    if (!name) throw new InputError('the username is empty', '--username');
    request = { ...request, username: { value: name, source: 'typed' } };
  }
  const used: string[] = [];
  if (request.credentialType?.source === 'remembered') used.push(CREDENTIALS[type].label.toLowerCase());
  if (request.username?.source === 'remembered' && !usernameOptional(type)) used.push(`username ${request.username.value}`);
  if (request.project?.source === 'remembered' && request.project.value) used.push(`project ${request.project.value}`);
  if (request.access?.source === 'remembered') used.push(request.access.value === 'push' ? 'pull and push' : 'pull');
  if (used.length) io.stdout.write(`${c.dim(`Remembered from the wizard: ${used.join(', ')} (flags override them)`)}\n`);

  const raw = await ask(io, CREDENTIALS[type].label, { secret: true });
  return { request, token: cleanToken(raw, 'the prompt'), store };
}

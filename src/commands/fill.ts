/**
 * `login` and `verify` in a terminal: what the flags, CI variables and team file left open is filled from the
 * answers the wizard remembered, and the rest is asked (registry, a deploy token's username, the token), the way
 * `docker login` prompts. Without a terminal nothing here runs: a missing flag is exit 2 at once.
 * (The request model's precedence — flags > CI > team file > remembered — lives here for the prompt until the
 * shared request model absorbs it: keep it in this one place.)
 */
import { CREDENTIALS, usernameOptional, type CredentialType } from '../core/credentials.js';
import { InputError } from '../core/errors.js';
import { gitlabBase, parseRegistry } from '../core/hosts.js';
import { cleanToken } from '../core/secret.js';
import { openConfStore, rememberedFor, type AnswerStore, type Remembered } from '../core/store.js';
import { ask } from './prompt.js';
import type { Answers, CommonFlags } from './request.js';
import { paint, useColor, type IO } from './io.js';

export interface Filled {
  token: string;
  store: AnswerStore;
  /** The remembered answers used, if any. */
  remembered?: Remembered;
}

/** Fill `answers` in place from the remembered answers and the person; resolves with the token typed. */
export async function fillInteractively(answers: Answers, flags: CommonFlags, io: IO, openStore: () => Promise<AnswerStore> = () => openConfStore()): Promise<Filled> {
  const store = await openStore();
  const c = paint(useColor(io));
  let remembered: Remembered | undefined;
  if (answers.registry) remembered = rememberedFor(store, answers.registry.registry);
  else if (answers.gitlab) remembered = store.load(gitlabBase(answers.gitlab));
  else remembered = store.load();

  if (!answers.registry && !answers.gitlab) {
    for (let tries = 0; !answers.registry; tries++) {
      const text = await ask(io, 'Registry', remembered?.registry ? { defaultValue: remembered.registry } : {});
      try {
        answers.registry = parseRegistry(text, 'Registry');
      } catch (e) {
        if (!(e instanceof InputError) || tries >= 2) throw e;
        io.stdout.write(`${c.red('✘')} ${e.message}\n`);
      }
    }
    // Another registry than the remembered one: its answers do not apply.
    if (remembered && remembered.registry !== answers.registry.registry) remembered = rememberedFor(store, answers.registry.registry);
  }

  const used: string[] = [];
  if (!answers.credentialType) {
    // docker assumes a password; for GitLab that is a personal access token.
    answers.credentialType = remembered?.credentialType ?? 'personal-access-token';
    if (remembered?.credentialType) used.push(CREDENTIALS[remembered.credentialType].label.toLowerCase());
  }
  const type: CredentialType = answers.credentialType;
  const sameType = remembered?.credentialType === type;
  if (!answers.username && !usernameOptional(type)) {
    if (sameType && remembered?.username) {
      answers.username = remembered.username;
      used.push(`username ${remembered.username}`);
    } else {
      answers.username = await ask(io, `Username (${CREDENTIALS[type].usernameHint})`);
      if (!answers.username) throw new InputError('the username is empty', '--username');
    }
  }
  if (!answers.project && remembered?.project) {
    answers.project = remembered.project;
    used.push(`project ${remembered.project}`);
  }
  if (flags.access === undefined && remembered?.access) {
    answers.access = remembered.access;
    used.push(remembered.access === 'push' ? 'pull and push' : 'pull');
  }
  if (used.length) io.stdout.write(`${c.dim(`Remembered from the wizard: ${used.join(', ')} (flags override them)`)}\n`);

  const raw = await ask(io, CREDENTIALS[type].label, { secret: true });
  const token = cleanToken(raw, 'the prompt');
  return { token, store, ...(remembered ? { remembered } : {}) };
}

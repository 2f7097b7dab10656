/** The failure screen's "Fix:" keeps its links whole (README, The wizard: "never broken by a newline"). */
import { expect, test } from 'vitest';
import { render } from 'ink-testing-library';
import { FailureStep } from '../../src/ui/steps.js';
import { FixText, splitLinks } from '../../src/ui/FixText.js';
import { joinWrapped } from '../../src/ui/Verbatim.js';
import { RenewPanel } from '../../src/ui/Renew.js';
import type { RenewResult } from '../../src/core/renew.js';
import { plain, until } from './helpers.js';

const PAGE = 'https://gitlab.example.com/-/user_settings/personal_access_tokens?name=container+registry&scopes=read_registry,write_registry';

test('splitLinks cuts a sentence at its links, leaving the sentence punctuation out of each', () => {
  expect(splitLinks(`Create one at ${PAGE} (before GitLab 16.7: https://a.example/x).`)).toEqual([
    { text: 'Create one at' },
    { url: PAGE },
    { text: '(before GitLab 16.7:' },
    { url: 'https://a.example/x' },
    { text: ').' },
  ]);
  expect(splitLinks('No link here.')).toEqual([{ text: 'No link here.' }]);
  expect(splitLinks(`${PAGE}, then log in.`)).toEqual([{ url: PAGE }, { text: ', then log in.' }]);
});

test('on a narrow terminal the fix wraps its words, and its link reaches the terminal whole on lines of its own', async () => {
  const fix = `The token needs the scope write_registry and at least the Developer role on group/app. Create one at ${PAGE}.`;
  const { lastFrame, unmount } = render(
    <FailureStep
      failure={{ verdict: 'insufficient-access', message: 'alice can pull group/app but not push.', fix }}
      choices={[{ id: 'quit', label: 'Quit', action: 'quit' }]}
      page={PAGE}
      links={false}
      onChoose={() => {}}
    />,
  );
  await until(lastFrame, 'Fix:');
  // As the terminal receives it: the pieces of a long line joined (Verbatim.tsx), escape sequences removed.
  const frame = plain(joinWrapped(lastFrame() ?? ''));
  const lines = frame.split('\n').map((l) => l.trim());
  expect(lines).toContain(PAGE);
  // Said once and whole: no piece of it broken off inside the fix, no second copy under "Create one here:".
  expect(frame.match(/https?:\/\/\S+/g)).toEqual([PAGE]);
  expect(frame).toContain('Fix: The token needs the scope write_registry');
  unmount();
});

test('a fix that starts with its link still says Fix:', async () => {
  const { lastFrame, unmount } = render(<FixText fix={`${PAGE} is where to create it.`} links={false} />);
  await until(lastFrame, 'Fix:');
  // As the terminal receives it: the pieces of a long line joined (Verbatim.tsx), escape sequences removed.
  const frame = plain(joinWrapped(lastFrame() ?? ''));
  expect(frame.split('\n').map((l) => l.trim())).toEqual(['Fix:', PAGE, 'is where to create it.']);
  unmount();
});

test("the wizard's renew result keeps the link in its fix whole too", async () => {
  const result: RenewResult = {
    ok: false,
    verdict: 'no-rotate-scope',
    message: 'The token "laptop" has neither the self_rotate nor the api scope.',
    fix: `Create its successor at ${PAGE} and log in again.`,
    rotation: 'none',
    stored: false,
    registry: 'registry.example.com',
    gitlab: 'https://gitlab.example.com',
    account: 'alice',
    engine: 'docker',
    token: null,
    storage: null,
    tokenPage: PAGE,
    shown: false,
    warnings: [],
  };
  const keys = { onAsk() {}, onConfirm() {}, onDecline() {}, onFinish() {}, onShow() {}, onShown() {} };
  const { lastFrame, unmount } = render(<RenewPanel renewal={result} doing={undefined} successor={undefined} links={false} keys={keys} />);
  await until(lastFrame, 'Fix:');
  expect(plain(joinWrapped(lastFrame() ?? '')).match(/https?:\/\/\S+/g)).toEqual([PAGE]);
  unmount();
});

/** Type-ahead: what is typed after an answer waits for the next question; nothing is cut inside a paste. */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createKeyQueue } from '../../src/ui/keyqueue.js';

interface K {
  return?: boolean;
  escape?: boolean;
}

function setup(settleMs = 250) {
  const got: string[] = [];
  let step = 'first';
  const q = createKeyQueue<K>((input, key) => got.push(`${step}:${key.return ? 'Enter' : key.escape ? 'Esc' : input}`), settleMs);
  const nextStep = (name: string) => {
    step = name;
    q.handlersChanged();
  };
  return { q, got, nextStep };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('key queue', () => {
  test('keys with no answer among them pass at once, in order', () => {
    const { q, got } = setup();
    q.push('a', {});
    q.push('lice', {});
    expect(got).toEqual(['first:a', 'first:lice']);
  });

  test('after Enter, what follows waits for the next step and then reaches it', () => {
    const { q, got, nextStep } = setup();
    q.push('\r', { return: true });
    q.push('alice', {});
    q.push('\r', { return: true });
    expect(got).toEqual(['first:Enter']);
    nextStep('username');
    vi.runAllTicks();
    vi.advanceTimersToNextTimer();
    expect(got.slice(0, 3)).toEqual(['first:Enter', 'username:alice', 'username:Enter']);
  });

  test('one read carrying Enter, a name and Enter is cut into those three keys', () => {
    const { q, got, nextStep } = setup();
    q.push('\ralice\r\ngroup/app\n', {});
    expect(got).toEqual(['first:Enter']);
    nextStep('username');
    vi.advanceTimersToNextTimer();
    expect(got).toEqual(['first:Enter', 'username:alice', 'username:Enter']);
    nextStep('project');
    vi.advanceTimersToNextTimer();
    expect(got).toEqual(['first:Enter', 'username:alice', 'username:Enter', 'project:group/app', 'project:Enter']);
  });

  test('Esc holds too; with no step change the rest goes on after the settle time', () => {
    const { q, got } = setup(250);
    q.push('', { escape: true });
    q.push('x', {});
    expect(got).toEqual(['first:Esc']);
    vi.advanceTimersByTime(249);
    expect(got).toEqual(['first:Esc']);
    vi.advanceTimersByTime(1);
    expect(got).toEqual(['first:Esc', 'first:x']);
  });

  test('a lone LF (Enter before raw mode) is Enter', () => {
    const { q, got } = setup();
    q.push('\n', {});
    expect(got).toEqual(['first:Enter']);
  });

  test('a bracketed paste is delivered whole, line breaks and all', () => {
    const { q, got } = setup();
    q.push('\u001b[200~', {});
    q.push('glpat-secret\nsecond line', {});
    q.push('\u001b[201~', {});
    q.push('[200~', {});
    q.push('x\ry', {});
    q.push('[201~', {});
    expect(got).toEqual(['first:\u001b[200~', 'first:glpat-secret\nsecond line', 'first:\u001b[201~', 'first:[200~', 'first:x\ry', 'first:[201~']);
  });

  test('close drops what waits and leaves no timer behind', () => {
    const { q, got } = setup();
    q.push('\rlater', {});
    q.close();
    expect(vi.getTimerCount()).toBe(0);
    vi.runAllTimers();
    expect(got).toEqual(['first:Enter']);
  });
});

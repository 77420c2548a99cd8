import { MessageChannel, Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { portTextSocket } from '../../../net/port-socket-node.ts';
import type { TextSocket } from '../../../net/text-socket.ts';

/** Both ends of one channel, each with what it received and how it saw the close. */
function pair() {
  const { port1, port2 } = new MessageChannel();
  return [watched(portTextSocket(port1)), watched(portTextSocket(port2))] as const;
}

function watched(socket: TextSocket) {
  const frames: (string | Uint8Array)[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.onClose((code, reason) => resolve({ code, reason })));
  socket.onMessage((data) => frames.push(data));
  return { socket, frames, closed };
}

describe('portTextSocket (the embedded agent\'s link to its edge)', () => {
  it('carries text frames both ways, in order, as they were sent', async () => {
    const [edge, agent] = pair();
    agent.socket.send('{"type":"hello"}');
    agent.socket.send('ünïcødé ✓');
    edge.socket.send('{"type":"challenge"}');
    agent.socket.close(1000, 'drained');
    await Promise.all([edge.closed, agent.closed]);
    expect(edge.frames).toEqual(['{"type":"hello"}', 'ünïcødé ✓']);
    expect(agent.frames).toEqual(['{"type":"challenge"}']);
  });

  it('shows a close, with its code and reason, on both ends whichever closes, frames sent before it first', async () => {
    const [edge, agent] = pair();
    edge.socket.send('last');
    edge.socket.close(4003, 'revoked');
    expect(await agent.closed).toEqual({ code: 4003, reason: 'revoked' });
    expect(await edge.closed).toEqual({ code: 4003, reason: 'revoked' });
    expect(agent.frames).toEqual(['last']);

    const [edge2, agent2] = pair();
    agent2.socket.close(1000, 'drained');
    expect(await edge2.closed).toEqual({ code: 1000, reason: 'drained' });
    expect(await agent2.closed).toEqual({ code: 1000, reason: 'drained' });
  });

  it('sends nothing after its close, closes once, and still takes what the other end sent before it saw the close', async () => {
    const [edge, agent] = pair();
    agent.socket.close(1000, 'drained');
    agent.socket.send('late');
    agent.socket.close(4400, 'again');
    edge.socket.send('in flight');
    expect(await edge.closed).toEqual({ code: 1000, reason: 'drained' });
    expect(await agent.closed).toEqual({ code: 1000, reason: 'drained' });
    expect(edge.frames).toEqual([]);
    expect(agent.frames).toEqual(['in flight']);
  });

  it('keeps frames and the close that come before the owner listens', async () => {
    const { port1, port2 } = new MessageChannel();
    const sender = portTextSocket(port1);
    const late = portTextSocket(port2);
    const closed = new Promise<{ code: number; reason: string }>((resolve) => late.onClose((code, reason) => resolve({ code, reason })));
    sender.send('early');
    sender.close(1001, 'shutting_down');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const frames: (string | Uint8Array)[] = [];
    late.onMessage((data) => frames.push(data));
    expect(frames).toEqual(['early']);
    expect(await closed).toEqual({ code: 1001, reason: 'shutting_down' });
  });

  it('reads a port whose thread ended without a close as 1006, as a dropped WebSocket', async () => {
    const worker = new Worker(`require('node:worker_threads').parentPort.once('message', (port) => { port.postMessage('hi'); throw new Error('crashed'); });`, { eval: true });
    worker.on('error', () => {});
    const { port1, port2 } = new MessageChannel();
    const edge = watched(portTextSocket(port1));
    worker.postMessage(port2, [port2]);
    expect(await edge.closed).toEqual({ code: 1006, reason: '' });
    expect(edge.frames).toEqual(['hi']);
  });

  it('lets go of the port when the other end never answers its close, and reads that as 1006', async () => {
    const { port1, port2 } = new MessageChannel();
    // The other end's thread is alive but does not answer: nothing listens on port2.
    const closer = watched(portTextSocket(port1));
    closer.socket.close(1000, 'drained');
    expect(await closer.closed).toEqual({ code: 1006, reason: '' });
    port2.close();
  });
});

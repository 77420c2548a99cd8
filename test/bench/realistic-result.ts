import type { ProbeResult, ProbeTask, SmtpCheck, TranscriptLine } from '../../protocol/index.ts';

/** One session's transcript as the prober records it (STARTTLS, EHLO twice), then MAIL and RCPT. */
function transcript(domain: string, address: string): TranscriptLine[] {
  const ehlo = ['250-mx.realistic.test', '250-PIPELINING', '250-SIZE 10240000', '250-ENHANCEDSTATUSCODES', '250-8BITMIME', '250 SMTPUTF8'];
  const lines: [number, 'c' | 's' | 'i', string][] = [
    [2, 'i', `connected to 127.0.16.1:25 (mx.${domain})`],
    [67, 's', '220 mx.realistic.test ESMTP Postfix'],
    [67, 'c', 'EHLO prober.realistic.test'],
    ...ehlo.slice(0, 3).map((t): [number, 's', string] => [220, 's', t]),
    [220, 's', '250-STARTTLS'],
    ...ehlo.slice(3).map((t): [number, 's', string] => [220, 's', t]),
    [220, 'c', 'STARTTLS'],
    [301, 's', '220 2.0.0 Ready to start TLS'],
    [372, 'i', 'TLS established'],
    [372, 'c', 'EHLO prober.realistic.test'],
    ...ehlo.map((t): [number, 's', string] => [509, 's', t]),
    [510, 'c', 'MAIL FROM:<verify@prober.realistic.test>'],
    [734, 's', '250 2.1.0 Ok'],
    [510, 'c', `RCPT TO:<${address}>`],
    [734, 's', '250 2.1.5 Ok'],
  ];
  return lines.map(([at_ms, dir, text]) => ({ at_ms, dir, text }));
}

/** What a prober answers for a task of one STARTTLS session where every address is accepted, transcripts whole. */
export function realisticResult(task: ProbeTask): ProbeResult {
  const results = task.addresses.map((a) => {
    const smtp: SmtpCheck = {
      outcome: 'accepted',
      reason: 'accepted',
      mx_host: `mx.${task.domain}`,
      mx_address: '127.0.16.1',
      reply: { code: 250, enhanced: '2.1.5', lines: ['2.1.5 Ok'] },
      tls: true,
      transcript: transcript(task.domain, a.address),
    };
    return { id: a.id, address: a.address, smtp, signals: [] };
  });
  return { task_id: task.id, domain: task.domain, results, catch_all: { status: 'no', cached: false, mx_host: `mx.${task.domain}` }, stats: { connections: 1, commands: 8, round_trips: 6 } };
}

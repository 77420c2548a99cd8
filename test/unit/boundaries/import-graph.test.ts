import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph, importsAcross } from '../../support/import-graph.ts';

/**
 * The layers point one way: protocol/ and net/ at the bottom, the store's table types below
 * every feature that uses them, and the prober beside the edge (it shares protocol/ and net/
 * with it, never the edge's code), so either can ship and run without the other.
 */
const graph = importGraph(join(import.meta.dirname, '../../..'));

describe('the import graph', () => {
  it('reads the sources', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('edge/compose/compose-edge.ts')?.has('edge/compose/edge-services.ts')).toBe(true);
  });

  it('has no import cycle', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('keeps the prober apart from the edge, and the edge from the prober', () => {
    expect(importsAcross(graph, 'prober/', ['edge/', 'cli/'])).toEqual([]);
    expect(importsAcross(graph, 'edge/', ['prober/', 'cli/'])).toEqual([]);
  });

  it('keeps protocol/ and net/ at the bottom', () => {
    expect(importsAcross(graph, 'protocol/', ['net/', 'edge/', 'prober/', 'plugins/', 'cli/'])).toEqual([]);
    expect(importsAcross(graph, 'net/', ['edge/', 'prober/', 'plugins/', 'cli/'])).toEqual([]);
  });

  it('keeps the store below the features: edge/store/ imports no other part of the edge', () => {
    const features = [...new Set([...graph.keys()].filter((f) => f.startsWith('edge/') && !f.startsWith('edge/store/')).map((f) => f.split('/').slice(0, 2).join('/') + '/'))];
    expect(importsAcross(graph, 'edge/store/', features)).toEqual([]);
  });
});

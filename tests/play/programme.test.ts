import { describe, expect, it } from 'vitest';
import { produce } from 'immer';
import type { WorldState } from '../../src/engine/world.ts';
import { leverSetting, programmeRecipe, registrationSetting } from '../../src/play/programme.ts';
import { PlaySession } from '../../src/play/session.ts';
import { runScenario } from '../../src/run/runScenario.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { scenarioSchema } from '../../src/scenario/schema.ts';

const small = (file: string, ticks = 6) => loadScenario(`scenarios/${file}`, { seed: 5, ticks, set: ['world.residents=3000'] });

/** A programme of interventions as the world state holds it. */
function state(interventions: unknown[]): WorldState {
  const parsed = scenarioSchema.parse({ interventions }).interventions;
  return { tick: 4, frontier: 1, budget: 0, spendingScale: 1, parameters: {}, interventions: parsed.map((iv, i) => ({ ...iv, id: `s${i}` })) };
}

describe('programme changes while a world runs', () => {
  it('are saved as a scenario that urd run reproduces exactly, and change the run from their tick on', () => {
    const edited = new PlaySession(small('allocation-core-first.yaml'));
    const control = new PlaySession(small('allocation-core-first.yaml'));
    const dpd = (s: PlaySession) => s.latest.scopes.all.dpd;
    const series: [number, number][] = [[dpd(edited), dpd(control)]];
    for (let t = 1; t <= 6; t++) {
      if (t === 3) {
        expect(edited.change({ kind: 'lever', lever: 'talent', budget: 1200, allocation: 'periphery-first' })).toBe(3);
        edited.change({ kind: 'registration', intensity: 0.5 });
        edited.change({ kind: 'lever', lever: 'rights', budget: 0 });
      }
      edited.step();
      control.step();
      series.push([dpd(edited), dpd(control)]);
    }
    // Same world until the edits apply at tick 3, another one after.
    for (let t = 0; t < 3; t++) expect(series[t][0]).toBe(series[t][1]);
    for (let t = 3; t <= 6; t++) expect(series[t][0]).not.toBe(series[t][1]);
    const file = edited.scenarioFile();
    expect(JSON.stringify(runScenario(scenarioSchema.parse(JSON.parse(JSON.stringify(file)))).summary)).toBe(JSON.stringify(edited.summary()));
  });

  it('apply a world slider moved mid-run at the next tick as a schedule entry that urd run reproduces', () => {
    const scenario = small('baseline.yaml');
    const edited = new PlaySession(scenario);
    const control = new PlaySession(scenario);
    const dpd = (s: PlaySession) => s.latest.scopes.all.dpd;
    const page: number[] = [dpd(edited)];
    const unedited: number[] = [dpd(control)];
    for (let t = 1; t <= 6; t++) {
      if (t === 3) expect(edited.change({ kind: 'parameter', path: 'technology.spillover', value: 0 })).toBe(3);
      edited.step();
      control.step();
      page.push(dpd(edited));
      unedited.push(dpd(control));
    }
    expect(edited.latest.parameters['technology.spillover']).toBe(0);
    expect(control.latest.parameters['technology.spillover']).toBe(scenario.technology.spillover);
    // The control's spillover is not zero, so switching it off changes the world from tick 3 on, and only then.
    expect(scenario.technology.spillover).toBeGreaterThan(0);
    for (let t = 0; t < 3; t++) expect(page[t]).toBe(unedited[t]);
    for (let t = 3; t <= 6; t++) expect(page[t]).not.toBe(unedited[t]);
    const file = edited.scenarioFile();
    expect(file.schedule).toEqual([{ path: 'technology.spillover', at: 3, value: 0, ramp: 0 }]);
    // Saved through JSON (as the YAML download is) and run as urd run runs it: the same summary and DPD series.
    const cli: number[] = [];
    const result = runScenario(scenarioSchema.parse(JSON.parse(JSON.stringify(file))), {
      onRows: (rows) => cli.push(rows.find((r) => r.scope === 'all' && r.metric === 'dpd')?.value ?? NaN),
    });
    expect(cli).toEqual(page);
    expect(JSON.stringify(result.summary)).toBe(JSON.stringify(edited.summary()));
  });

  it('undo a world slider as the page does: a pending one is cancelled, an applied one is set back at the next tick', () => {
    const scenario = small('baseline.yaml', 4);
    const s = new PlaySession(scenario);
    s.step();
    s.change({ kind: 'lever', lever: 'policy', budget: 300 });
    s.change({ kind: 'parameter', path: 'talent.herding', value: 0.5 });
    expect(s.cancelPending()).toBe(true);
    expect(s.scenarioFile().schedule).toEqual([]);
    expect(s.scenarioFile().interventions).toHaveLength(1);
    s.change({ kind: 'parameter', path: 'talent.herding', value: 0.5 });
    s.step();
    expect(s.latest.parameters['talent.herding']).toBe(0.5);
    expect(s.cancelPending()).toBe(false);
    s.change({ kind: 'parameter', path: 'talent.herding', value: scenario.talent.herding });
    s.step();
    expect(s.latest.parameters['talent.herding']).toBe(scenario.talent.herding);
    expect(s.scenarioFile().schedule.map((e) => [e.at, e.value])).toEqual([[2, 0.5], [3, scenario.talent.herding]]);
    expect(() => s.change({ kind: 'parameter', path: 'world.residents', value: 10 })).toThrow(/builds the world|world\.rings/);
  });

  it('include changes not yet applied in the saved scenario, and a cancelled one never happens', () => {
    const s = new PlaySession(small('baseline.yaml', 3));
    s.step();
    s.change({ kind: 'lever', lever: 'policy', budget: 300 });
    expect(s.scenarioFile().interventions.map((iv) => [iv.lever, iv.start, iv.budget])).toEqual([['policy', 2, 300]]);
    expect(s.cancelPending()).toBe(true);
    expect(s.cancelPending()).toBe(false);
    expect(s.scenarioFile().interventions).toEqual([]);
  });

  it('end what acted before the change, edit what has not started, and share a budget in proportion', () => {
    const before = state([
      { lever: 'policy', instrument: 'broadband', budget: 300, start: 1, end: 10 },
      { lever: 'policy', instrument: 'upgrade', budget: 100, start: 1, end: 10, allocation: 'core-first' },
      { lever: 'policy', instrument: 'broadband', budget: 50, start: 8, end: 9 },
      { lever: 'capital', instrument: 'transfer', budget: 70, start: 1 },
    ]);
    const after = produce(before, programmeRecipe({ kind: 'lever', lever: 'policy', budget: 800, allocation: 'need-based' }, 5));
    const rows = after.interventions.map((iv) => [iv.instrument, iv.start, iv.end, iv.budget, iv.allocation]);
    expect(rows).toEqual([
      ['broadband', 1, 4, 300, 'uniform'],
      ['upgrade', 1, 4, 100, 'core-first'],
      // Not started yet: edited in place (its budget scaled like the others).
      ['broadband', 8, 9, 100, 'need-based'],
      ['transfer', 1, 10_000, 70, 'uniform'],
      ['broadband', 5, 10, 600, 'need-based'],
      ['upgrade', 5, 10, 200, 'need-based'],
    ]);
    expect(leverSetting(after.interventions, 'policy', 5)).toEqual({ budget: 800, allocation: 'need-based' });
    const stopped = produce(after, programmeRecipe({ kind: 'lever', lever: 'policy', budget: 0 }, 7));
    expect(leverSetting(stopped.interventions, 'policy', 7).budget).toBe(0);
    expect(leverSetting(stopped.interventions, 'policy', 6).budget).toBe(800);
    expect(stopped.interventions.filter((iv) => iv.start >= 7)).toEqual([]);
  });

  it('start a registration reform or change its intensity', () => {
    const reformed = produce(state([]), programmeRecipe({ kind: 'registration', intensity: 0.4 }, 3));
    expect(registrationSetting(reformed.interventions, 2)).toBe(0);
    expect(registrationSetting(reformed.interventions, 3)).toBe(0.4);
    const stronger = produce(reformed, programmeRecipe({ kind: 'registration', intensity: 0.9 }, 6));
    expect([5, 6].map((t) => registrationSetting(stronger.interventions, t))).toEqual([0.4, 0.9]);
    // Every programme the page makes passes the scenario schema.
    expect(() => scenarioSchema.parse({ interventions: stronger.interventions.map(({ id: _id, ...iv }) => iv) })).not.toThrow();
  });
});

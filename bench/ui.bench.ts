import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { chromium, type Page } from '@playwright/test';
import { ServerChild, stopAllChildren } from './children.js';
import { signIn, targetHost, targetServername, type Target } from './client.js';
import { hotSpots, type HotSpot } from './profile.js';
import { numberOption, removeScratchDir, runBench, scratchDir } from './run-bench.js';

const usage = `npm run bench:ui -- [options]

Opens the Live log and the Flow screen in Chromium while bootstrapper traffic arrives at a fixed
rate, and reports per screen the longest task on the page's main thread, how many tasks took over
50 ms (the Long Tasks API's threshold), and frames per second.

  --rate <n>          requests per second (default 2000); 9 in 10 unauthenticated (401), 1 signed in (200)
  --duration <s>      measured seconds per screen (default 20)
  --settle <s>        seconds between opening a screen and starting the traffic (default 3)
  --screens <list>    screens to measure, by path (default log,flow)
  --connections <n>   keep-alive connections of the load (default 16)
  --chromium <path>   the browser (default $CHROMIUM_PATH or /usr/bin/chromium)
  --trace-dir <dir>   record a Chromium trace of each measured window there (<screen>.trace.json, for
                      DevTools' Performance panel) and print what the long tasks were made of;
                      tracing slows the page, so that run's figures are not comparable
  --help
`;

interface Options {
  rate: number;
  duration: number;
  settle: number;
  screens: Array<keyof typeof screenTitles>;
  connections: number;
  chromium: string;
  traceDir: string | null;
}

const screenTitles = { log: 'Live log', flow: 'Flow' } as const;

function readOptions(): Options | null {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string' },
      duration: { type: 'string' },
      settle: { type: 'string' },
      screens: { type: 'string' },
      connections: { type: 'string' },
      chromium: { type: 'string' },
      'trace-dir': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(usage);
    return null;
  }
  const screens = (values.screens ?? 'log,flow').split(',').map((s) => s.trim());
  for (const screen of screens)
    if (!(screen in screenTitles))
      throw new Error(`--screens: unknown screen "${screen}" (known: ${Object.keys(screenTitles).join(', ')})`);
  return {
    rate: numberOption('rate', values.rate, 2000, 1),
    duration: numberOption('duration', values.duration, 20, 1),
    settle: numberOption('settle', values.settle, 3, 0),
    screens: screens as Options['screens'],
    connections: Math.floor(numberOption('connections', values.connections, 16, 1)),
    chromium: values.chromium ?? process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    traceDir: values['trace-dir'] ? path.resolve(values['trace-dir']) : null,
  };
}

/** Installed before the UI's own scripts: every long task, and a frame counter driven by requestAnimationFrame. */
function installProbes(): void {
  // Runs in the page: the bench compiles without the DOM library, so the page's globals are typed here.
  const page = globalThis as unknown as {
    __probe: Probe;
    requestAnimationFrame(callback: (time: number) => void): number;
    PerformanceObserver: new (callback: (list: { getEntries(): Array<{ startTime: number; duration: number }> }) => void) => {
      observe(options: { type: string; buffered: boolean }): void;
    };
  };
  const probe: Probe = { tasks: [], frames: [] };
  page.__probe = probe;
  new page.PerformanceObserver((list) => {
    for (const entry of list.getEntries()) probe.tasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  const frame = (time: number) => {
    probe.frames.push(time);
    page.requestAnimationFrame(frame);
  };
  page.requestAnimationFrame(frame);
}

interface Probe {
  tasks: Array<{ start: number; duration: number }>;
  frames: number[];
}

interface ScreenResult {
  screen: string;
  requestsPerSecond: number;
  unexpected: number;
  longestTaskMs: number;
  longTasks: number;
  longTasksMs: number;
  /** How busy all the machine's cores were meanwhile (engine, load, browser and anything else). */
  machineBusyPercent: number;
  /** From the trace: the most CPU one main-thread task used, and how many used over 50 ms of it. */
  longestTaskCpuMs: number;
  cpuLongTasks: number;
  /** The page's main thread CPU over the window, as a share of one core: how much work the screen does. */
  mainThreadCpuPercent: number;
  fps: number;
  /** The longest gap between two frames: a frame that could not be drawn for that long. */
  longestFrameMs: number;
  /** What the screen said at the end (its request or step count). */
  shown: string;
  /** With --trace-dir: the work inside the long tasks, by trace event, longest first. */
  breakdown?: Array<{ name: string; ms: number }>;
  /** With --trace-dir: the page's JavaScript by self time over the whole window. */
  hotSpots?: HotSpot[];
}

async function measureScreen(
  page: Page,
  uiUrl: string,
  screen: Options['screens'][number],
  target: Target,
  load: Load,
  options: Options,
  scratchDir: string,
) {
  const response = await page.goto(uiUrl);
  if (response?.status() !== 200) throw new Error(`the admin listener answered ${response?.status()} for the UI; run npm run build first`);
  const title = screenTitles[screen];
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: title, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  // Opening the screen reads the history: that is not what is measured, the steady stream is.
  await page.waitForTimeout(options.settle * 1000);
  // Always a light trace (top-level tasks with their thread time), to tell a task that kept the
  // page busy from one whose thread merely waited for a core; with --trace-dir the full timeline.
  const traceFile = options.traceDir ? path.join(options.traceDir, `${screen}.trace.json`) : null;
  const tasksFile = traceFile ?? path.join(scratchDir, `${screen}.tasks.json`);
  await page
    .context()
    .browser()!
    .startTracing(page, { path: tasksFile, screenshots: false, ...(traceFile ? {} : { categories: ['toplevel'] }) });
  // And a JavaScript CPU profile of the page, for the functions (readable with a build that is not minified).
  const cdp = traceFile ? await page.context().newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  const machineBefore = machineCpu();
  const started = await page.evaluate(() => performance.now());
  const result = await autocannon({
    url: `https://${targetHost}:${target.port}/wopibootstrapper`,
    connections: options.connections,
    overallRate: options.rate,
    duration: options.duration,
    servername: targetServername,
    tlsOptions: { ca: target.ca },
    requests: load,
  });
  const ended = await page.evaluate(() => performance.now());
  const machineAfter = machineCpu();
  await page.context().browser()!.stopTracing();
  const cpu = await mainThreadTasks(tasksFile);
  const profileFile = traceFile ? traceFile.replace(/\.trace\.json$/, '.cpuprofile') : null;
  if (cdp && profileFile) {
    const { profile } = await cdp.send('Profiler.stop');
    await writeFile(profileFile, JSON.stringify(profile));
    await cdp.detach();
  }
  const probe = await page.evaluate(
    ({ from, to }) => {
      const { tasks, frames } = (globalThis as unknown as { __probe: Probe }).__probe;
      const inWindow = tasks.filter((t) => t.start >= from && t.start < to);
      const shown = frames.filter((f) => f >= from && f < to);
      let longestFrame = 0;
      for (let i = 1; i < shown.length; i++) longestFrame = Math.max(longestFrame, shown[i]! - shown[i - 1]!);
      return { tasks: inWindow, frames: shown.length, longestFrame };
    },
    { from: started, to: ended },
  );
  const testId = screen === 'log' ? 'log-count' : 'flow-count';
  const shown = (await page.getByTestId(testId).textContent()) ?? '';
  let unexpected = result.errors;
  for (const [status, stats] of Object.entries(result.statusCodeStats ?? {}))
    if (status !== '200' && status !== '401') unexpected += stats.count ?? 0;
  return {
    screen: title,
    requestsPerSecond: result.requests.total / result.duration,
    unexpected,
    longestTaskMs: Math.max(0, ...probe.tasks.map((t) => t.duration)),
    longTasks: probe.tasks.filter((t) => t.duration > 50).length,
    longTasksMs: probe.tasks.reduce((sum, t) => sum + t.duration, 0),
    machineBusyPercent: (100 * (machineAfter.busy - machineBefore.busy)) / Math.max(1, machineAfter.total - machineBefore.total),
    longestTaskCpuMs: cpu.longestCpuMs,
    mainThreadCpuPercent: (100 * cpu.totalCpuMs) / (ended - started),
    cpuLongTasks: cpu.over50Cpu,
    fps: (probe.frames * 1000) / (ended - started),
    longestFrameMs: probe.longestFrame,
    shown: shown.trim(),
    ...(traceFile && profileFile
      ? { breakdown: await longTaskBreakdown(traceFile), hotSpots: (await hotSpots(profileFile, 15)).spots }
      : {}),
  } satisfies ScreenResult;
}

/**
 * The renderer main thread's top-level tasks in a trace, by thread (CPU) time: a task that took
 * 80 ms of wall time but 3 ms of CPU was a thread waiting for a core (a busy machine), not a page
 * doing work. The page's renderer is the one whose main thread ran the most.
 */
async function mainThreadTasks(file: string): Promise<{ longestCpuMs: number; over50Cpu: number; totalCpuMs: number }> {
  const trace = JSON.parse(await readFile(file, 'utf8')) as { traceEvents: TraceEvent[] };
  const mains = new Set(
    trace.traceEvents
      .filter((e) => e.name === 'thread_name' && (e.args as { name?: string } | undefined)?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const byThread = new Map<string, number[]>();
  for (const e of trace.traceEvents) {
    if (e.name !== 'ThreadControllerImpl::RunTask' || e.ph !== 'X' || e.tdur === undefined) continue;
    const thread = `${e.pid}:${e.tid}`;
    if (!mains.has(thread)) continue;
    const list = byThread.get(thread) ?? [];
    list.push(e.tdur / 1000);
    byThread.set(thread, list);
  }
  const sum = (list: number[]) => list.reduce((a, b) => a + b, 0);
  const tasks = [...byThread.values()].sort((a, b) => sum(b) - sum(a))[0] ?? [];
  return { longestCpuMs: Math.max(0, ...tasks), over50Cpu: tasks.filter((ms) => ms > 50).length, totalCpuMs: sum(tasks) };
}

/** Busy and total CPU time of the whole machine so far, summed over its cores. */
function machineCpu(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of os.cpus()) {
    const all = times.user + times.nice + times.sys + times.irq + times.idle;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time, where the trace records it. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { data?: { functionName?: string; url?: string; lineNumber?: number } };
}

/**
 * What the renderer's main thread did inside its tasks over 50 ms: self time (an event's time
 * less its children's) summed by event, script labelled with its function. Script shows as
 * FunctionCall (and the functions V8 names), style and layout as UpdateLayoutTree and Layout,
 * painting as Paint and friends, garbage collection as the GC events.
 */
async function longTaskBreakdown(file: string): Promise<Array<{ name: string; ms: number }>> {
  const trace = JSON.parse(await readFile(file, 'utf8')) as { traceEvents: TraceEvent[] };
  const main = trace.traceEvents.find(
    (e) => e.name === 'thread_name' && (e.args as { name?: string } | undefined)?.name === 'CrRendererMain',
  );
  const events = trace.traceEvents
    .filter((e) => e.ph === 'X' && e.dur !== undefined && (!main || (e.pid === main.pid && e.tid === main.tid)))
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const label = (e: TraceEvent) => {
    const data = e.args?.data;
    if (data?.functionName === undefined) return e.name;
    return `${e.name} ${data.functionName || '(anonymous)'} ${(data.url ?? '').split('/').pop()}:${data.lineNumber ?? ''}`;
  };
  const sums = new Map<string, number>();
  for (const task of events.filter((e) => e.name === 'RunTask' && e.dur! > 50_000)) {
    const end = task.ts + task.dur!;
    const inside = events.filter((e) => e.ts >= task.ts && e.ts + e.dur! <= end);
    // Self time by walking the nesting with a stack of open events.
    const stack: Array<{ event: TraceEvent; children: number }> = [];
    const close = (until: number) => {
      while (stack.length > 0 && stack[stack.length - 1]!.event.ts + stack[stack.length - 1]!.event.dur! <= until) {
        const { event, children } = stack.pop()!;
        sums.set(label(event), (sums.get(label(event)) ?? 0) + (event.dur! - children) / 1000);
        if (stack.length > 0) stack[stack.length - 1]!.children += event.dur!;
      }
    };
    for (const event of inside) {
      close(event.ts);
      stack.push({ event, children: 0 });
    }
    close(Infinity);
  }
  return [...sums]
    .map(([name, ms]) => ({ name, ms }))
    .filter((e) => e.ms >= 1)
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 15);
}

type Load = Array<{ method: 'GET'; path: string; headers: Record<string, string> }>;

function log(line = ''): void {
  process.stdout.write(line + '\n');
}

async function main(): Promise<number> {
  let options: Options | null;
  try {
    options = readOptions();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (!options) return 0;
  const dataDir = scratchDir('wopi-ui-bench-');
  if (options.traceDir) await mkdir(options.traceDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: options.chromium,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  });
  try {
    const cpus = os.cpus();
    log(
      `WOPI mock host UI bench: ${cpus.length} cores (${cpus[0]?.model ?? 'unknown CPU'}), Node ${process.version}, Chromium ${browser.version()}`,
    );
    log(
      `${options.rate} bootstrapper requests/s for ${options.duration} s per screen (9 in 10 unauthenticated → 401, 1 signed in → 200), ` +
        `${options.connections} keep-alive connections; the engine in a child process, the load in this one`,
    );
    log();
    const engine = await ServerChild.start('engine', 'engine-server', { dataDir });
    const uiUrl = engine.info['uiUrl'];
    const caPath = engine.info['caCertificatePath'];
    if (!uiUrl || !caPath) throw new Error('the engine child did not report its UI URL and CA');
    const target: Target = { port: engine.port, ca: await readFile(caPath, 'utf8') };
    const { accessToken } = await signIn(target);
    const word = { 'User-Agent': 'Word/1.22.16051600 CFNetwork/758.2.8 Darwin/15.4.0' };
    const load: Load = [
      ...Array.from({ length: 9 }, () => ({ method: 'GET' as const, path: '/wopibootstrapper', headers: word })),
      { method: 'GET', path: '/wopibootstrapper', headers: { ...word, Authorization: `Bearer ${accessToken}` } },
    ];

    const results: ScreenResult[] = [];
    for (const screen of options.screens) {
      process.stderr.write(`  ${screenTitles[screen]}: ${options.duration} s at ${options.rate} requests/s … `);
      // A fresh page per screen: each starts as a person opening the UI on a busy host would.
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
      const page = await context.newPage();
      await page.addInitScript(installProbes);
      const result = await measureScreen(page, uiUrl, screen, target, load, options, dataDir);
      await context.close();
      results.push(result);
      process.stderr.write(`longest task ${result.longestTaskMs.toFixed(0)} ms, ${result.fps.toFixed(0)} fps\n`);
    }

    const rows = [
      [
        'screen',
        'req/s',
        'longest task ms',
        'tasks > 50 ms',
        'long tasks total ms',
        'longest task CPU ms',
        'tasks > 50 ms CPU',
        'main thread CPU',
        'fps',
        'longest frame gap ms',
        'machine busy',
        'shown at the end',
        'target',
      ],
      ...results.map((r) => [
        r.screen,
        r.requestsPerSecond.toFixed(0),
        r.longestTaskMs.toFixed(0),
        String(r.longTasks),
        r.longTasksMs.toFixed(0),
        r.longestTaskCpuMs.toFixed(0),
        String(r.cpuLongTasks),
        `${r.mainThreadCpuPercent.toFixed(0)}%`,
        r.fps.toFixed(0),
        r.longestFrameMs.toFixed(0),
        `${r.machineBusyPercent.toFixed(0)}%`,
        r.shown,
        r.longestTaskMs <= 50 ? 'PASS' : 'FAIL',
      ]),
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    rows.forEach((r, n) => {
      log(r.map((cell, i) => (i === 0 || i === 11 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
      if (n === 0) log(widths.map((w) => '-'.repeat(w)).join('  '));
    });
    for (const r of results.filter((r) => r.breakdown)) {
      log();
      log(`${r.screen}: inside its long tasks (trace in ${options.traceDir}), ms by event:`);
      for (const { name, ms } of r.breakdown!) log(`  ${ms.toFixed(0).padStart(6)}  ${name}`);
      log(`${r.screen}: the page's JavaScript over the whole window, self time:`);
      for (const spot of r.hotSpots ?? []) log(`  ${spot.selfPercent.toFixed(1).padStart(5)}%  ${spot.name}  ${spot.where}`);
    }
    log();
    log("Target: no task over 50 ms on either screen while the traffic lasts. Long tasks are the Long Tasks API's (main-thread tasks");
    log('over 50 ms of wall time); the CPU columns are the same tasks by thread time, from a trace: a task long by the clock but');
    log('short in CPU waited for a core (the machine was busy), it did not keep the page busy. fps counts requestAnimationFrame');
    log('callbacks; the longest frame gap is the longest time between two of them. Machine busy: all cores, everything on them.');
    const unexpected = results.filter((r) => r.unexpected > 0);
    if (unexpected.length > 0) {
      log(`ERROR: unexpected answers during ${unexpected.map((r) => `${r.screen} (${r.unexpected})`).join(', ')}`);
      return 1;
    }
    return 0;
  } finally {
    await browser.close();
    await stopAllChildren();
    removeScratchDir(dataDir);
  }
}

runBench('UI bench', main);

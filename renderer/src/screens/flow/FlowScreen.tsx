import { memo, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useStatus } from '../../api/use-status.ts';
import { flowModel, loadedHistoryLastSeq, logStore, useLogVersion } from '../../model/live-log.ts';
import { flowTargets, type FlowLane, type FlowStep } from '../../model/flow-model.ts';
import { clockTime } from '../log/format.ts';
import './flow.css';
import { plural } from '../../components/plural.ts';

/** Vertical room per step: the request arrow, its answer, and their labels at projector size. */
const stepHeight = 54;
const topPadding = 24;
/** Up to this many steps, all are drawn; beyond, only those in view (see FlowScreen). */
const drawnWholeUpTo = 100;

/**
 * The sign-in and token flow as a live sequence diagram: one lifeline per client (remote address
 * and user agent) and one per door of the host, one request-and-answer pair per logged request.
 * Built from the shared log model; each step links to its entry in the Live log.
 */
export function FlowScreen() {
  const version = useLogVersion(200);
  flowModel.sync(logStore);
  const { steps, lanes } = flowModel;
  const { status } = useStatus();

  const scrollRef = useRef<HTMLDivElement>(null);
  const width = useWidth(scrollRef);
  // Steps that were there when the screen opened, or came with the history, appear at once;
  // later ones animate in.
  const [openedAtSeq] = useState(() => logStore.lastSeq);
  const historySeq = loadedHistoryLastSeq();
  const firstSeqToAnimate = historySeq === null ? Infinity : Math.max(openedAtSeq, historySeq) + 1;
  const [follow, setFollow] = useState(true);
  const [, redraw] = useState(0);

  const columns = [
    ...lanes.map((lane) => ({ key: lane.key, kind: 'lane' as const, lane })),
    ...flowTargets.map((target) => ({ key: target.key, kind: 'target' as const, target })),
  ];
  const columnWidth = columns.length > 0 ? width / columns.length : width;
  const xOf = (key: string) => (columns.findIndex((c) => c.key === key) + 0.5) * columnWidth;
  const height = topPadding + steps.length * stepHeight + 8;
  // A diagram of up to 100 steps is drawn whole (every step in the page, for screen readers and
  // find-in-page). A longer one, which only heavy traffic makes, draws the steps in view and a few
  // around them: then every update brings a screenful of new steps, and drawing all 250 each time
  // costs more than a frame. Steps have one height, so the list is never measured.
  // eslint-disable-next-line react-hooks/incompatible-library -- the UI is not built with React Compiler, so there is no memoization to skip
  const virtualizer = useVirtualizer({
    count: steps.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => stepHeight,
    paddingStart: topPadding,
    overscan: 4,
    useFlushSync: false,
  });
  const drawn = steps.length <= drawnWholeUpTo ? steps : virtualizer.getVirtualItems().map(({ index }) => steps[index]!);

  useLayoutEffect(() => {
    const scroller = scrollRef.current;
    if (follow && scroller) scroller.scrollTop = scroller.scrollHeight;
  }, [follow, steps.length, version]);

  return (
    <section className="screen flow-screen" aria-labelledby="flow-title">
      <header className="flow-toolbar">
        <h1 id="flow-title" title="The sign-in and token flow as it happens. Select a step to open its request in the Live log.">
          Flow
        </h1>
        <div className="flow-legend" aria-hidden="true">
          <span className="legend-item phase-sign-in">sign-in</span>
          <span className="legend-item phase-bootstrap">bootstrapper</span>
          <span className="legend-item phase-files">WOPI</span>
          <span className="legend-item legend-answer">answer</span>
        </div>
        <span className="spacer" />
        <span className="muted small" data-testid="flow-count">
          {plural(steps.length, 'step')} · {plural(lanes.length, 'client')}
        </span>
        <button type="button" className="toggle" aria-pressed={follow} onClick={() => setFollow((f) => !f)}>
          {follow ? 'Pause scrolling' : 'Follow new steps'}
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => {
            flowModel.clear(logStore);
            redraw((n) => n + 1);
          }}
          disabled={steps.length === 0}
        >
          Clear diagram
        </button>
      </header>

      <div className="flow-board">
        <div
          className="flow-columns"
          role="list"
          aria-label="Participants"
          style={{ gridTemplateColumns: `repeat(${Math.max(columns.length, 1)}, 1fr)` }}
        >
          {columns.map((column) =>
            column.kind === 'lane' ? (
              <LaneHeader key={column.key} lane={column.lane} />
            ) : (
              <div key={column.key} role="listitem" className="flow-column host">
                <strong>{column.target.label}</strong>
                <span className="mono small">{column.target.path}</span>
                <span className="small muted">WOPI Mock Host</span>
              </div>
            ),
          )}
        </div>
        <div
          className="flow-scroll"
          ref={scrollRef}
          onWheel={(event) => {
            if (event.deltaY < 0) setFollow(false);
          }}
        >
          {steps.length === 0 ? (
            <div className="flow-empty">
              <p>
                <strong>Waiting for a client.</strong> Point a client at the bootstrapper: the sign-in and token flow appears here as it
                happens (unauthenticated Bootstrap → sign-in page → code → tokens → authenticated Bootstrap → GetRootContainer →
                GetNewAccessToken → file operations), one lane per client. Select a step to open its request in the Live log.
              </p>
              {status && <p className="mono">{status.bootstrapperUrl}</p>}
            </div>
          ) : (
            <svg className="flow-svg" width={width} height={height} role="group" aria-label="Steps">
              {columns.map((column) => (
                <line key={column.key} className={`lifeline ${column.kind}`} x1={xOf(column.key)} x2={xOf(column.key)} y1={0} y2={height} />
              ))}
              {/* Steps sit at their ordinal; dropping old ones moves this group, not every step. */}
              <g transform={`translate(0 ${-flowModel.firstOrdinal * stepHeight})`}>
                {drawn.map((step) => (
                  <Step
                    key={step.seq}
                    step={step}
                    y={topPadding + step.ordinal * stepHeight}
                    from={xOf(step.lane)}
                    to={xOf(step.target)}
                    animate={!step.burst && step.seq >= firstSeqToAnimate}
                  />
                ))}
              </g>
            </svg>
          )}
        </div>
      </div>
    </section>
  );
}

function LaneHeader({ lane }: { lane: FlowLane }) {
  return (
    <div role="listitem" className="flow-column lane" title={lane.userAgent || 'no User-Agent header'}>
      <strong>{lane.label}</strong>
      <span className="mono small">{lane.remoteAddress}</span>
      <span className="small muted">{lane.users.length > 0 ? lane.users.join(', ') : 'not signed in'}</span>
    </div>
  );
}

const Step = memo(function Step({ step, y, from, to, animate }: { step: FlowStep; y: number; from: number; to: number; animate: boolean }) {
  const direction = to >= from ? 1 : -1;
  const mid = (from + to) / 2;
  const answerY = y + 24;
  const label = `#${step.seq} ${step.title}: ${step.result}${step.faultId !== null ? ` · fault ${step.faultId}` : ''}`;
  return (
    <a
      href={`#/log?seq=${step.seq}`}
      className={`flow-step phase-${step.phase} status-${step.statusClass}${animate ? ' arriving' : ''}`}
      data-seq={step.seq}
    >
      {/* The name comes from the title, not an aria-label: then no drawn word can be missing from it (WCAG 2.5.3, label in name). */}
      <title>{label}</title>
      <desc>{`at ${clockTime(step.time)}`}</desc>
      <rect className="hit" x={Math.min(from, to) - 12} y={y - 22} width={Math.abs(to - from) + 24} height={stepHeight - 4} rx={8} />
      {/* The title says all of it; the drawn words are hidden from assistive technology. Each ends in a space (not drawn), so
          their text reads as separate words. */}
      <text className="seq" aria-hidden="true" x={from - direction * 10} y={answerY + 4} textAnchor={direction === 1 ? 'end' : 'start'}>
        #{step.seq}{' '}
      </text>
      <line className="request" x1={from} x2={to - direction * 4} y1={y} y2={y} />
      <polygon className="request-head" points={arrowHead(to, y, direction)} />
      <text className="title" aria-hidden="true" x={mid} y={y - 6} textAnchor="middle">
        {step.title}{' '}
      </text>
      <line className="answer" x1={to} x2={from + direction * 4} y1={answerY} y2={answerY} />
      <polygon className="answer-head" points={arrowHead(from, answerY, -direction)} />
      <text className="result" aria-hidden="true" x={mid} y={answerY - 6} textAnchor="middle">
        {step.result}{' '}
      </text>
      {step.faultId !== null && (
        <g className="fault-tag" aria-hidden="true" transform={`translate(${to + direction * 10}, ${answerY - 10})`}>
          <rect x={direction === 1 ? 0 : -44} y={0} width={44} height={20} rx={10} />
          <text x={direction === 1 ? 22 : -22} y={14} textAnchor="middle">
            fault
          </text>
        </g>
      )}
    </a>
  );
});

function arrowHead(x: number, y: number, direction: number): string {
  return `${x},${y} ${x - direction * 11},${y - 6} ${x - direction * 11},${y + 6}`;
}

/** The element's content width, following resizes (the diagram is laid out in pixels, not scaled). */
function useWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(960);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setWidth(Math.max(480, element.clientWidth));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** A flow's processes, filtered by status, start date and text, a page at a time. */
import type { Context } from 'hono';
import type { FlowSpec } from '../../flow/build.ts';
import type { ProcessState, ProcessStatus } from '../../engine/model.ts';
import type { WebEnv } from '../env.ts';
import { processes, type ProcessFilter } from '../queries.ts';
import { Page } from '../page.tsx';
import { Pager, pageParam } from '../ui/pager.tsx';
import { ProcessStatusBadge, Time, processStatusFromParam, processStatusLabel, processStatusParam } from '../ui/status.tsx';
import { requireFlowView } from '../visibility.ts';

const STATUSES: ProcessStatus[] = ['NEW', 'DONE', 'CANCELED'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A short line of the process's data: its first few text values. */
function preview(process: ProcessState): string {
  const values = Object.values(process.data as Record<string, unknown>).filter((v) => typeof v === 'string' || typeof v === 'number');
  const text = values.slice(0, 3).join(' · ');
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

export function ProcessTable({ c, flow, rows }: { c: Context<any>; flow: FlowSpec; rows: ProcessState[] }) {
  const { urls } = (c as Context<WebEnv>).var.flowlane;
  if (rows.length === 0) return <p class="fl-empty">No processes.</p>;
  return (
    <div class="fl-table-wrap">
      <table class="fl-processes">
        <thead>
          <tr>
            <th scope="col">Process</th>
            <th scope="col">Status</th>
            <th scope="col">Started</th>
            <th scope="col">Finished</th>
            <th scope="col">Data</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((process) => (
            <tr>
              <td>
                <a href={urls.process(flow.label, process.id)}>#{process.id}</a>
              </td>
              <td>
                <ProcessStatusBadge status={process.status} />
              </td>
              <td>
                <Time ms={process.created} />
              </td>
              <td>
                <Time ms={process.finished} />
              </td>
              <td class="fl-freetext">{preview(process)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function filterOf(c: Context): ProcessFilter {
  const day = (name: string) => {
    const value = c.req.query(name);
    return value && DAY.test(value) ? value : undefined;
  };
  return {
    status: processStatusFromParam(c.req.query('status')),
    from: day('from'),
    to: day('to'),
    text: c.req.query('q')?.slice(0, 200) || undefined,
  };
}

export function processesPage(flow: FlowSpec) {
  return async (c: Context<WebEnv>) => {
    requireFlowView(flow, c.var.user!);
    const { engine, pageSize, urls } = c.var.flowlane;
    const filter = filterOf(c);
    const result = await processes(engine.database.db, flow, filter, pageParam(c.req.query('page')), pageSize);
    const query = new URLSearchParams(
      Object.entries({ status: filter.status && processStatusParam(filter.status), from: filter.from, to: filter.to, q: filter.text }).filter((e): e is [string, string] => e[1] !== undefined),
    );
    return c.html(
      <Page c={c} title={`${flow.title}: processes`}>
        <form method="get" class="fl-filters" role="search" aria-label="Filter processes">
          <label>
            Status{' '}
            <select name="status">
              <option value="">Any</option>
              {STATUSES.map((s) => (
                <option value={processStatusParam(s)} selected={s === filter.status}>
                  {processStatusLabel(s)}
                </option>
              ))}
            </select>
          </label>
          <label>
            Started from <input type="date" name="from" value={filter.from ?? ''} />
          </label>
          <label>
            to <input type="date" name="to" value={filter.to ?? ''} />
          </label>
          <label>
            Text <input type="search" name="q" value={filter.text ?? ''} />
          </label>
          <button type="submit">Filter</button>
          <a href={urls.processes(flow.label)}>Clear</a>
        </form>
        <ProcessTable c={c} flow={flow} rows={result.rows} />
        <Pager path={urls.processes(flow.label)} query={query} page={result.page} pageSize={result.pageSize} total={result.total} />
      </Page>,
    );
  };
}

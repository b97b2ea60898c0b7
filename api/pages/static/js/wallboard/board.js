// The leaderboard of the chosen period and team: loaded over HTTP, then kept current by
// `leaderboard_changed` frames, which carry only the rows that moved.

import { api } from "../session.js";
import { byId, el, replace, when } from "../dom.js";

const rowKey = (row) => row.agent_id || row.alias || row.display_name;

export class Board {
  constructor() {
    this.period = "day";
    this.team = "";
    this.rows = new Map();
    this.teams = [];
    this.onFilterChange = () => {};
    for (const button of document.querySelectorAll("button.period")) {
      button.addEventListener("click", () => {
        this.period = button.dataset.period;
        for (const b of document.querySelectorAll("button.period")) b.classList.toggle("active", b === button);
        this.onFilterChange();
      });
    }
    byId("team").addEventListener("change", (event) => {
      this.team = event.target.value;
      this.onFilterChange();
    });
  }

  async load() {
    const query = new URLSearchParams({ period: this.period });
    if (this.team) query.set("team", this.team);
    const { data } = await api(`/api/v1/leaderboards?${query}`);
    this.show(data, false);
  }

  onFrame(frame) {
    // A snapshot carries the board at its top level (docs/wallboard-push.md).
    if (frame.type === "snapshot") this.show(frame, false);
    if (frame.type === "leaderboard_changed") this.moved(frame);
  }

  show(board, highlight) {
    const before = new Map(this.rows);
    this.rows = new Map(board.agents.map((row) => [rowKey(row), row]));
    this.teams = board.teams || [];
    if (board.starts_at) byId("board-period").textContent = `since ${when(board.starts_at)}`;
    this.render(highlight ? before : this.rows);
  }

  moved(frame) {
    // Only the rows that moved: replace them by key, drop the ones that left.
    const before = new Map(this.rows);
    for (const row of frame.agents || []) this.rows.set(row.key || rowKey(row), row);
    for (const key of frame.agents_removed || []) this.rows.delete(key);
    const teams = new Map(this.teams.map((t) => [t.team, t]));
    for (const team of frame.teams || []) teams.set(team.team, team);
    for (const name of frame.teams_removed || []) teams.delete(name);
    this.teams = [...teams.values()].sort((a, b) => a.rank - b.rank);
    if (frame.starts_at) byId("board-period").textContent = `since ${when(frame.starts_at)}`;
    this.render(before);
  }

  render(before) {
    const rows = [...this.rows.values()].sort((a, b) => a.rank - b.rank || b.points - a.points);
    replace(byId("leaderboard").tBodies[0], rows.map((row) => {
      const was = before.get(rowKey(row));
      const moved = !was || was.points !== row.points || was.rank !== row.rank;
      return el("tr", { class: moved && before !== this.rows ? "moved" : "", dataset: { agent: rowKey(row) } },
        el("td", { class: "num", text: row.rank }),
        el("td", { class: "name", text: row.display_name }),
        el("td", { text: row.team || "" }),
        el("td", { class: "num", text: row.badges ?? 0 }),
        el("td", { class: "num points", text: row.points }));
    }));
    replace(byId("teams"), this.teams.map((t) => el("li", { text: `${t.team}: ${t.points}` })));
    this.offerTeams();
  }

  offerTeams() {
    const select = byId("team");
    const known = new Set([...select.options].map((o) => o.value));
    for (const t of this.teams) {
      if (!known.has(t.team)) select.append(el("option", { value: t.team, text: t.team }));
    }
  }
}

// The leaderboard of the chosen period and team. The supervisor socket sends a snapshot, then
// `leaderboard_changed` with only the rows that moved (replace by `key`, drop the removed ones,
// sort by rank); over HTTP the same rows come whole.

import { api } from "../session.js";
import { byId, dayIn, el, replace } from "../dom.js";

const rowKey = (row) => row.key || row.agent_id || row.alias || row.display_name;

export class Board {
  constructor() {
    this.period = "day";
    this.team = "";
    this.rows = new Map();
    this.teams = new Map();
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
    this.replaceAll(data);
  }

  onFrame(frame) {
    if (frame.type === "snapshot") this.replaceAll(frame);
    else if (frame.type === "leaderboard_changed") this.moved(frame);
  }

  replaceAll(board) {
    const before = new Map(this.rows);
    this.rows = new Map((board.agents || []).map((row) => [rowKey(row), row]));
    this.teams = new Map((board.teams || []).map((team) => [team.team, team]));
    this.header(board);
    this.render(before);
  }

  moved(frame) {
    const before = new Map(this.rows);
    for (const key of frame.agents_removed || []) this.rows.delete(key);
    for (const row of frame.agents || []) this.rows.set(rowKey(row), { ...this.rows.get(rowKey(row)), ...row });
    for (const name of frame.teams_removed || []) this.teams.delete(name);
    for (const team of frame.teams || []) this.teams.set(team.team, team);
    this.header(frame);
    this.render(before);
  }

  header(board) {
    if (board.starts_at) {
      byId("board-period").textContent = `since ${dayIn(board.starts_at, board.time_zone || undefined)}`;
    }
  }

  render(before) {
    const rows = [...this.rows.values()].sort((a, b) => a.rank - b.rank || b.points - a.points);
    replace(byId("leaderboard").tBodies[0], rows.map((row) => {
      const was = before.get(rowKey(row));
      const moved = before.size > 0 && (!was || was.points !== row.points || was.rank !== row.rank);
      return el("tr", { class: moved ? "moved" : "", dataset: { agent: rowKey(row) } },
        el("td", { class: "num", text: row.rank }),
        el("td", { class: "name", text: row.display_name }),
        el("td", { text: row.team || "" }),
        el("td", { class: "num", text: row.badges ?? 0 }),
        el("td", { class: "num points", text: row.points }));
    }));
    const teams = [...this.teams.values()].sort((a, b) => a.rank - b.rank);
    replace(byId("teams"), teams.map((t) => el("li", { text: `${t.team}: ${t.points}` })));
    this.offerTeams(teams);
  }

  offerTeams(teams) {
    const select = byId("team");
    const known = new Set([...select.options].map((o) => o.value));
    for (const t of teams) {
      if (!known.has(t.team)) select.append(el("option", { value: t.team, text: t.team }));
    }
  }
}

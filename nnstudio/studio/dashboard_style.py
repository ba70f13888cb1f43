"""The dashboard's CSS: JupyterLab's theme variables (with fallbacks), so light and dark themes both look right."""

DASHBOARD_CSS = """
.nnstudio-dashboard {
  font-family: var(--jp-ui-font-family, system-ui, sans-serif);
  color: var(--jp-ui-font-color1, #1f2328);
  background: var(--jp-layout-color1, #fff);
  border: 1px solid var(--jp-border-color2, #e1e4e8);
  border-radius: 6px;
  padding: 6px 8px;
  gap: 6px;
}
.nnstudio-dashboard .nnstudio-controls { flex-wrap: wrap; gap: 4px 10px; align-items: center; }
.nnstudio-dashboard .nnstudio-run-row { flex-wrap: wrap; gap: 6px; align-items: center; }
.nnstudio-dashboard .nnstudio-button:focus-visible,
.nnstudio-dashboard .nnstudio-control :focus-visible {
  outline: 2px solid var(--jp-brand-color1, #1976d2);
  outline-offset: 1px;
}
.nnstudio-dashboard .nnstudio-train:not(:disabled) {
  background: var(--jp-brand-color1, #1976d2);
  color: var(--jp-ui-inverse-font-color1, #fff);
}
/* inline, not flex: the line may break only between the parts (each one unbreakable), so it stays on one or two
   lines in the narrow docked column */
.nnstudio-dashboard .nnstudio-progress-row { display: block; font-size: 12px; line-height: 1.6; }
.nnstudio-dashboard progress.nnstudio-progress {
  width: 180px; height: 10px; accent-color: var(--jp-brand-color1); vertical-align: middle; margin: 0 2px 0 0;
}
.nnstudio-dashboard .nnstudio-progress-part { white-space: nowrap; }
.nnstudio-dashboard .nnstudio-progress-text {
  color: var(--jp-ui-font-color2, #57606a);
  font-variant-numeric: tabular-nums;
}
.nnstudio-dashboard .nnstudio-state {
  padding: 1px 8px;
  border-radius: 999px;
  font-weight: 600;
  background: var(--jp-layout-color2, #f3f4f6);
}
.nnstudio-dashboard .nnstudio-state-running { color: var(--jp-success-color1, #388e3c); }
.nnstudio-dashboard .nnstudio-state-paused { color: var(--jp-warn-color1, #f57c00); }
.nnstudio-dashboard .nnstudio-error {
  color: var(--jp-error-color1, #d32f2f);
  background: var(--jp-error-color3, #fdecea);
  border-left: 3px solid var(--jp-error-color1, #d32f2f);
  padding: 4px 8px;
  font-size: 12px;
  white-space: pre-wrap;
  display: block;
  -webkit-line-clamp: none;  /* the builder's .nnstudio-error (a block's one sentence) clamps to two lines */
  overflow: visible;
}
.nnstudio-dashboard .nnstudio-panels { flex-wrap: wrap; gap: 8px; align-items: flex-start; }
.nnstudio-dashboard .nnstudio-panel {
  border: 1px solid var(--jp-border-color2, #e1e4e8);
  border-radius: 4px;
  padding: 2px;
  background: var(--jp-layout-color0, #fff);
}
.nnstudio-dashboard .nnstudio-plot { display: block; }
.nnstudio-dashboard table.nnstudio-param-table {
  border-collapse: collapse;
  font-size: 12px;
  font-variant-numeric: tabular-nums;
}
.nnstudio-dashboard table.nnstudio-param-table th,
.nnstudio-dashboard table.nnstudio-param-table td {
  padding: 2px 8px;
  border-bottom: 1px solid var(--jp-border-color2, #e1e4e8);
  text-align: right;
}
.nnstudio-dashboard table.nnstudio-param-table th:first-child,
.nnstudio-dashboard table.nnstudio-param-table td:first-child {
  text-align: left;
  font-family: var(--jp-code-font-family, monospace);
}
.nnstudio-dashboard table.nnstudio-param-table th { color: var(--jp-ui-font-color2, #57606a); font-weight: 600; }
.nnstudio-dashboard table.nnstudio-param-table tr.nnstudio-selected td {
  background: var(--jp-layout-color2, #f3f4f6);
  font-weight: 600;
}
"""

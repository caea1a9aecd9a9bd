"""Insights: strategy and KPIs, rollups maintained from the inbox, dashboards, reports, Dialog-Bilanz."""

"""Spreadsheet exports of a round: the dashboard's figures for every member, anonymised answers for administrators."""

"""The core of a run as plain functions: land, parse, stage, gate, publish, finish.

No Prefect here: ``flows/`` wires these into flows and tasks (retries, schedules, logs).
"""

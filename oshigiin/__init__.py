"""oshigiin (推し議員): follow local councillors. The command-line interface lives in cli.py."""

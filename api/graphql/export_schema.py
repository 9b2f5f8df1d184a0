"""Write schema.graphql from the code: `python -m okrank.api.graphql.export_schema`."""

from pathlib import Path

from okrank.api.graphql.schema import schema

if __name__ == "__main__":
    path = Path(__file__).resolve().parents[2] / "schema.graphql"
    path.write_text(schema.as_str() + "\n")
    print(f"wrote {path}")

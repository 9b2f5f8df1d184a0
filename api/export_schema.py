"""Write schema.graphql from the code: `python -m api.export_schema`."""

from pathlib import Path

from okrank.api.schema import schema

if __name__ == "__main__":
    path = Path(__file__).resolve().parent.parent / "schema.graphql"
    path.write_text(schema.as_str() + "\n")
    print(f"wrote {path}")

"""`earlyhelp audit verify`: prove the access log's hash chain is unbroken (ADR 0003)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from earlyhelp.core.audit import describe_break, describe_time, verify_chain


class Command(BaseCommand):
    help = "Checks on the access log (who viewed, searched for or exported records)."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="verify")
        verify = subcommands.add_parser(
            "verify",
            help="Recompute every access event's hash and prove the chain is unbroken.",
            description=(
                "Streams every access event in order and recomputes its hash. Exits 0 if the "
                "chain is unbroken and prints the latest (head) hash to record somewhere else; "
                "exits 1 naming the first broken row otherwise."
            ),
        )
        verify.add_argument(
            "--recorded-hash",
            default="",
            help=(
                "A head hash printed by an earlier run. Fails if it is no longer in the chain, "
                "which shows rows were removed from the end or the chain was rewritten."
            ),
        )
        verify.add_argument(
            "--chunk-size", type=int, default=5000, help="Rows fetched per round trip."
        )

    def handle(self, *args, **options) -> None:
        if options["subcommand"] == "verify":
            self.verify(recorded_hash=options["recorded_hash"], chunk_size=options["chunk_size"])

    def verify(self, *, recorded_hash: str, chunk_size: int) -> None:
        recorded_hash = recorded_hash.strip().lower()
        report = verify_chain(chunk_size=chunk_size, recorded_hash=recorded_hash)
        if report.first_break is not None:
            more = report.breaks - 1
            raise CommandError(
                f"Audit trail BROKEN: {report.events} events checked.\n"
                f"First broken row: {describe_break(report.first_break)}"
                + (
                    f"\n{more} further problem{'s' if more > 1 else ''} found after it."
                    if more
                    else ""
                )
            )
        if recorded_hash and not report.recorded_hash_found:
            raise CommandError(
                f"Audit trail BROKEN: {report.events} events checked and the chain links up, "
                f"but the recorded hash {recorded_hash} is not in it.\nRows were removed from "
                "the end of the trail, or the whole chain was rewritten after that hash was "
                "recorded."
            )
        self.stdout.write(f"Audit trail verified: {report.events} events, chain unbroken.")
        if report.head_id is not None and report.head_occurred_at is not None:
            self.stdout.write(
                f"Latest event: row {report.head_id}, recorded "
                f"{describe_time(report.head_occurred_at)}."
            )
            self.stdout.write(f"Head hash: {report.head_hash}")
            self.stdout.write(
                "Keep the head hash somewhere outside this database; a later "
                "`earlyhelp audit verify --recorded-hash <hash>` proves nothing before it "
                "was removed or rewritten."
            )
        if recorded_hash:
            self.stdout.write("The recorded hash is still part of the chain.")

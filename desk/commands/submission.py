"""The monthly submission from the command line: keys, pre-flight, export, correction, verify."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from desk.cli import ledger_argument, month_argument, open_ledger, print_json
from desk.core.errors import DeskError, NotFoundError

EXIT_INVALID = 3


def register(sub: argparse._SubParsersAction) -> None:
    keys = sub.add_parser("keys", help="本单位的签名证书")
    actions = keys.add_subparsers(dest="keys_command", metavar="操作", required=True)

    p = actions.add_parser("init", help="创建本单位的密钥和证书（首次使用）")
    ledger_argument(p)
    p.add_argument("--passphrase-file", type=Path, required=True, metavar="FILE", help="保存口令的文本文件")
    p.add_argument("--replace", action="store_true", help="已有证书时更换（上级需重新导入新证书）")
    p.set_defaults(handler=cmd_keys_init)

    p = actions.add_parser("export-cert", help="导出本单位证书（交给上级单位导入）")
    ledger_argument(p)
    p.add_argument("--out", type=Path, required=True, metavar="FILE.pem", help="证书文件")
    p.set_defaults(handler=cmd_keys_export)

    p = actions.add_parser("import-p12", help="导入发证机构签发的 .p12/.pfx 证书代替本机生成的证书")
    ledger_argument(p)
    p.add_argument("--p12", type=Path, required=True, metavar="FILE", help=".p12 或 .pfx 文件")
    p.add_argument("--p12-passphrase-file", type=Path, metavar="FILE", help="证书文件的口令")
    p.add_argument("--passphrase-file", type=Path, required=True, metavar="FILE", help="今后签名使用的口令")
    p.add_argument("--replace", action="store_true", help="已有证书时更换")
    p.set_defaults(handler=cmd_keys_import_p12)

    p = actions.add_parser("import-cert", help="导入其他单位的证书（验证其报送文件时核对签名人）")
    ledger_argument(p)
    p.add_argument("--cert", type=Path, required=True, metavar="FILE.pem", help="证书文件")
    p.add_argument("--unit", metavar="NAME", help="单位名称（默认取证书中的名称）")
    p.set_defaults(handler=cmd_keys_import_cert)

    p = actions.add_parser("show", help="显示本单位证书和已导入的证书")
    ledger_argument(p)
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=cmd_keys_show)

    p = sub.add_parser("preflight", help="报送前检查某月的数据")
    ledger_argument(p)
    p.add_argument("--month", type=month_argument, required=True, metavar="YYYY-MM")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=cmd_preflight)

    p = sub.add_parser("export", help="生成并签名某月的报送文件（Excel、PDF、清单）")
    ledger_argument(p)
    p.add_argument("--month", type=month_argument, required=True, metavar="YYYY-MM")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="保存位置（其中新建报送文件夹）")
    p.add_argument("--passphrase-file", type=Path, required=True, metavar="FILE", help="单位证书的口令")
    p.add_argument("--signer", metavar="NAME", help="填报人（默认上次填写的）")
    p.add_argument("--reviewer", metavar="NAME", help="审核人")
    p.add_argument("--head", metavar="NAME", help="单位负责人")
    p.add_argument("--zip", action="store_true", help="另外打包成一个 .zip 文件")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("correct", help="更正已报送的月份：解锁并准备报送下一版")
    ledger_argument(p)
    p.add_argument("--month", type=month_argument, required=True, metavar="YYYY-MM")
    p.add_argument("--reason", required=True, metavar="TEXT", help="更正原因")
    p.set_defaults(handler=cmd_correct)

    p = sub.add_parser("submissions", help="报送记录（各月各版本）")
    ledger_argument(p)
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=cmd_submissions)

    p = sub.add_parser("verify", help="验证报送文件夹或 .zip")
    p.add_argument("path", type=Path, metavar="PATH", help="报送文件夹或 .zip")
    p.add_argument("--cert", type=Path, metavar="FILE.pem", help="报送单位的证书：签名人必须是它")
    ledger_argument(p, required=False)
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=cmd_verify)


def read_secret(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise NotFoundError(f"找不到口令文件：{path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DeskError(f"无法读取口令文件 {path}：{exc}") from None
    return text.rstrip("\r\n")


def cmd_keys_init(args: argparse.Namespace) -> int:
    from desk.exchange.submission.identity import cert_info, create_identity, load_certificates

    passphrase = read_secret(args.passphrase_file)
    with open_ledger(args.ledger) as ledger:
        identity = create_identity(ledger, passphrase, replace=args.replace)
    info = cert_info(load_certificates(identity.cert_pem.encode("ascii"))[0])
    print(f"已创建“{info.common_name}”的签名证书，指纹（SHA-256）：{info.fingerprint_text}")
    return 0


def cmd_keys_export(args: argparse.Namespace) -> int:
    from desk.exchange.submission.identity import export_certificate

    with open_ledger(args.ledger, readonly=True) as ledger:
        path = export_certificate(ledger, args.out)
    print(path)
    return 0


def cmd_keys_import_p12(args: argparse.Namespace) -> int:
    from desk.exchange.submission.identity import cert_info, import_pkcs12, load_certificates

    try:
        data = args.p12.read_bytes()
    except OSError as exc:
        raise NotFoundError(f"无法读取证书文件 {args.p12}：{exc.strerror or exc}") from None
    p12_pass = read_secret(args.p12_passphrase_file) if args.p12_passphrase_file else ""
    with open_ledger(args.ledger) as ledger:
        identity = import_pkcs12(ledger, data, p12_pass, read_secret(args.passphrase_file), replace=args.replace)
    info = cert_info(load_certificates(identity.cert_pem.encode("ascii"))[0])
    print(f"已导入证书“{info.common_name}”（签发者：{info.issuer}），指纹：{info.fingerprint_text}")
    return 0


def cmd_keys_import_cert(args: argparse.Namespace) -> int:
    from desk.exchange.submission.identity import import_known_certificate

    try:
        data = args.cert.read_bytes()
    except OSError as exc:
        raise NotFoundError(f"无法读取证书文件 {args.cert}：{exc.strerror or exc}") from None
    with open_ledger(args.ledger) as ledger:
        known = import_known_certificate(ledger, data, args.unit)
    print(f"已导入“{known.unit_name}”的证书，指纹：{known.fingerprint}")
    return 0


def _cert_json(pem_text: str) -> dict[str, Any]:
    from desk.exchange.submission.identity import cert_info, load_certificates

    info = cert_info(load_certificates(pem_text.encode("ascii"))[0])
    return {"common_name": info.common_name, "organization": info.organization, "issuer": info.issuer,
            "fingerprint_sha256": info.fingerprint, "self_signed": info.self_signed,
            "not_before": info.not_before.isoformat(), "not_after": info.not_after.isoformat()}


def cmd_keys_show(args: argparse.Namespace) -> int:
    with open_ledger(args.ledger, readonly=True) as ledger:
        identity = ledger.identity.current()
        known = ledger.known_certs.all()
    data = {
        "identity": None if identity is None else {"unit": identity.unit_name, "source": identity.source.value,
                                                   **_cert_json(identity.cert_pem)},
        "known": [{"unit": k.unit_name, **_cert_json(k.cert_pem)} for k in known],
    }
    if args.json:
        print_json(data)
    else:
        mine = data["identity"]
        print(f"本单位证书：{mine['common_name']}，指纹 {mine['fingerprint_sha256']}" if mine else "本单位证书：未创建")
        for k in data["known"]:
            print(f"已导入：{k['unit']}，指纹 {k['fingerprint_sha256']}")
    return 0


def cmd_preflight(args: argparse.Namespace) -> int:
    from desk.exchange.submission.package import run_preflight

    with open_ledger(args.ledger, readonly=True) as ledger:
        result = run_preflight(ledger, args.month)
    if args.json:
        print_json({"month": result.month, "projects": result.reported, "blocking": result.blocking,
                    "issues": [{"level": i.level, "kind": i.kind, "group": i.group, "message": i.message,
                                "project_id": i.project_id, "problem_id": i.problem_id, "field": i.field}
                               for i in result.issues]})
    else:
        for issue in result.issues:
            print(f"{'错误' if issue.level == 'error' else '提醒'}  {issue.message}")
        print(result.summary())
    return EXIT_INVALID if result.blocking else 0


def cmd_export(args: argparse.Namespace) -> int:
    from desk.exchange.submission.package import export_month, remembered_people
    from desk.exchange.submission.report import People

    passphrase = read_secret(args.passphrase_file)
    with open_ledger(args.ledger) as ledger:
        known = remembered_people(ledger)
        people = People(args.signer if args.signer is not None else known.filled_by,
                        args.reviewer if args.reviewer is not None else known.reviewed_by,
                        args.head if args.head is not None else known.head)
        created = _make_out_dir(args.out)
        try:
            result = export_month(ledger, args.month, args.out, passphrase, people, make_zip=args.zip)
        except BaseException:
            for folder in reversed(created):  # a refused export leaves no empty folders behind
                try:
                    folder.rmdir()
                except OSError:
                    break
            raise
    if result.preflight.warnings:
        sys.stderr.write(f"提醒：报送前检查有 {len(result.preflight.warnings)} 个提醒"
                         f"（desk preflight 可查看）\n")
    if result.submission.late:
        sys.stderr.write("注意：已过报送截止日，本次报送记为逾期\n")
    print(result.folder)
    if result.zip_path is not None:
        print(result.zip_path)
    return 0


def _make_out_dir(out: Path) -> list[Path]:
    """Create the save location as the window does; return the folders made, outermost first."""
    missing = [p for p in (out, *out.parents) if not p.exists()][::-1]
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DeskError(f"无法创建保存位置 {out}：{exc.strerror or exc}") from None
    return missing


def cmd_correct(args: argparse.Namespace) -> int:
    from desk.exchange.submission.versions import open_correction

    with open_ledger(args.ledger) as ledger:
        draft = open_correction(ledger, args.month, args.reason)
    print(f"已发起更正：{args.month} 第{draft.version}版，数据已解锁，修改后请重新生成报送文件")
    return 0


def cmd_submissions(args: argparse.Namespace) -> int:
    from desk.exchange.submission.versions import history

    with open_ledger(args.ledger, readonly=True) as ledger:
        rows = history(ledger)
    if args.json:
        print_json([{"month": s.month, "version": s.version, "status": s.status.value, "status_label": s.status.label,
                     "late": s.late, "submitted_at": s.submitted_at, "reason": s.reason, "folder": s.folder,
                     "changes": len(s.changes)} for s in rows])
    else:
        for s in rows:
            when = s.submitted_at.isoformat(sep=" ") if s.submitted_at else ""
            print(f"{s.month}  第{s.version}版  {s.status.label}  {when}{'  逾期' if s.late else ''}  {s.reason}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from desk.exchange.submission.identity import load_certificates
    from desk.exchange.submission.verify import verify

    trusted = []
    label = ""
    if args.cert is not None:
        try:
            trusted = load_certificates(args.cert.read_bytes())[:1]
        except OSError as exc:
            raise NotFoundError(f"无法读取证书文件 {args.cert}：{exc.strerror or exc}") from None
        label = f"证书文件“{args.cert.name}”"
    known = []
    if not trusted and args.ledger is not None:
        with open_ledger(args.ledger, readonly=True) as ledger:
            known = ledger.known_certs.all()
    report = verify(args.path, trusted=trusted, trusted_label=label, known=known)
    if args.json:
        print_json(report.to_json())
    else:
        print(report.headline())
        for check in report.checks:
            mark = "–" if check.skipped else "✓" if check.ok else "✗"
            print(f"  {mark} {check.label}：{check.detail}")
        for warning in report.warnings:
            print(f"  ! {warning}")
    return 0 if report.valid else EXIT_INVALID

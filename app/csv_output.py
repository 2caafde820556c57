"""CSV downloads: one dialect, one content type, and no cell a spreadsheet runs as a formula."""

import csv
import io

from flask import Response

# Dutch Excel reads ";" as the list separator; the BOM makes it read UTF-8 (é, ë, ï intact).
CSV_DIALECT = {"delimiter": ";", "lineterminator": "\r\n"}
BOM = "\ufeff"
CONTENT_TYPE = "text/csv; charset=utf-8"
# Excel, LibreOffice and Google Sheets start a formula (or a DDE call) with these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell that would start a formula gets a leading apostrophe (shown as text)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class Figure:
    """A number as the export writes it ("-3,5" with a Dutch decimal comma): written as it is,
    never taken for text that would start a formula."""

    def __init__(self, text):
        self.text = text

    def __str__(self):
        return self.text


class SafeWriter:
    """csv.writer in the export dialect that neutralises every cell it writes."""

    def __init__(self, buffer):
        self._writer = csv.writer(buffer, **CSV_DIALECT)

    def writerow(self, row):
        """Write one row."""
        self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows):
        """Write many rows."""
        for row in rows:
            self.writerow(row)


def csv_response(filename, header, rows):
    """A UTF-8 CSV download that Excel opens with Dutch characters intact."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = SafeWriter(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return Response(buffer.getvalue(), content_type=CONTENT_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def csv_stream(filename, header, rows):
    """A streamed CSV download, in chunks of about 64 KB; `rows` is consumed lazily."""

    def chunks():
        buffer = io.StringIO()
        buffer.write(BOM)
        writer = SafeWriter(buffer)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            if buffer.tell() > 64_000:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(chunks(), content_type=CONTENT_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})

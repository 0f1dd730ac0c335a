"""Wrong: calls every record broken."""


def validate_record(record):
    return ["data_type"]

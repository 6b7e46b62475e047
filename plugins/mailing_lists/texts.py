"""The words of the list server's answers: (subject, body) pairs."""


def help_text(command_address: str) -> tuple[str, str]:
    body = (
        f"Send commands to {command_address}, in the subject or on the first\n"
        "line of the message:\n\n"
        "  SUBSCRIBE list      join a list (you will be asked to confirm)\n"
        "  UNSUBSCRIBE list    leave a list (you will be asked to confirm)\n"
        "  CONFIRM token       confirm a request; replying to the request\n"
        "                      works as well\n"
        "  HELP                this text\n"
    )
    return "Mailing list commands", body


def confirmation(action: str, list_address: str, token: str, context) -> tuple:
    """Asks the owner of the address to confirm; replying sends the token back."""
    verb = "join" if action == "subscribe" else "leave"
    body = (
        f"Someone asked for {context.sender} to {verb} the mailing list\n"
        f"{list_address}.\n\n"
        "To confirm, reply to this message, or send a message to\n"
        f"{context.command_address} with this line as its subject:\n\n"
        f"  CONFIRM {token}\n\n"
        "If you did not ask for this, ignore this message: nothing changes\n"
        "without your confirmation.\n"
    )
    return f"CONFIRM {token}", body


def confirmed(status: str, list_address: str) -> tuple[str, str]:
    lines = {
        "subscribed": f"You are now subscribed to {list_address}.",
        "already_subscribed": f"You were already subscribed to {list_address}.",
        "unsubscribed": f"You are no longer subscribed to {list_address}.",
        "not_subscribed": f"You were not subscribed to {list_address}.",
    }
    return f"Mailing list {list_address}", lines[status] + "\n"


def already_subscribed(list_address: str) -> tuple[str, str]:
    return confirmed("already_subscribed", list_address)


def not_subscribed(list_address: str) -> tuple[str, str]:
    return confirmed("not_subscribed", list_address)

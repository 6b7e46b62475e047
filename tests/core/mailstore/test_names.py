from core.mailstore.names import (
    basename_of,
    clean_hostname,
    digest_key,
    key_digest_of,
    new_basename,
    size_of,
)


def test_new_basenames_are_unique_and_sized() -> None:
    # Given many names made at once
    names = [new_basename(1234) for _ in range(1000)]

    # Then each is unique, records the size and carries no key
    assert len(set(names)) == 1000
    assert all(size_of(name) == 1234 for name in names)
    assert all(key_digest_of(name) is None for name in names)


def test_keyed_basename_carries_key_digest() -> None:
    # Given a name made for a message key
    name = new_basename(10, message_key="job-1:bob@example.com")

    # When the key digest is read back, with flags appended as in cur/
    # Then it is the digest of that key, and flags don't change the basename
    assert key_digest_of(name) == digest_key("job-1:bob@example.com")
    assert basename_of(name + ":2,S") == name
    assert size_of(name + ":2,S") == 10


def test_hostname_reserved_characters_are_escaped() -> None:
    # Given a host name with characters a Maildir name reserves
    # When it is cleaned
    # Then they become octal escapes, as the Maildir convention writes them
    assert clean_hostname("a/b:c,d") == "a\\057b\\072c\\054d"
    assert clean_hostname("") == "localhost"

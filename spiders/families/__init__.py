"""The Scrapy side of the source families: one module per family that has a spider of its own
(requests and paging only; the family's reader in podium/ names its selectors and its listings'
rules), and the generic spiders of config-only sources. podium/families.py names these classes;
spiders/loader.py makes one spider per configured source from them, named after the source's key.
None of these classes has a `name`, so Scrapy never lists them as spiders of their own."""

"""Spider modules of single sources, named after their key (spiders/sources/<key>.py): none today.
A source's spider is made from the family table (podium/families.py) by spiders/loader.py; a
module here, with a spider of that `name`, takes its place, for a site no family's spider fits."""
